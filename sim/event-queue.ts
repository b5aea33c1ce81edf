/**
 * The simulator's one event queue: a binary min-heap ordered by (virtual time, sequence number).
 * The sequence number is assigned at insertion, so events at the same instant run in the order
 * they were scheduled and nothing depends on hash or key order.
 *
 * Cancellation is lazy: a cancelled event stays in the heap, flagged, and is skipped when it
 * reaches the top. When cancelled events outnumber live ones the heap is compacted, so re-armed
 * timers cannot make it grow without bound.
 */

// biome-ignore lint/suspicious/noExplicitAny: each event carries the argument its handler expects
export type EventHandler = (arg: any) => void;

export interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly fn: EventHandler;
  readonly arg: unknown;
  /** True once the event can no longer run: cancelled, or already taken from the queue. */
  cancelled: boolean;
}

const COMPACT_MIN = 1024;

export class EventQueue {
  private heap: SimEvent[] = [];
  private nextSeq = 0;
  private cancelledInHeap = 0;

  /** Live (not cancelled) events waiting. */
  get size(): number {
    return this.heap.length - this.cancelledInHeap;
  }

  push(time: number, fn: EventHandler, arg?: unknown): SimEvent {
    const event: SimEvent = { time, seq: this.nextSeq++, fn, arg, cancelled: false };
    const heap = this.heap;
    let index = heap.length;
    heap.push(event);
    // Sift up with a hole: move parents down, write the new event once.
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.time < time || (parent.time === time && parent.seq < event.seq)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = event;
    return event;
  }

  cancel(event: SimEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.cancelledInHeap++;
    if (this.cancelledInHeap > COMPACT_MIN && this.cancelledInHeap * 2 > this.heap.length) {
      this.compact();
    }
  }

  /** The next live event without removing it. */
  peek(): SimEvent | undefined {
    const heap = this.heap;
    while (heap.length > 0 && heap[0].cancelled) {
      this.removeTop();
      this.cancelledInHeap--;
    }
    return heap[0];
  }

  /** Removes and returns the next live event. */
  pop(): SimEvent | undefined {
    const top = this.peek();
    if (top !== undefined) {
      this.removeTop();
      // Out of the heap: a later cancel() must not count it as a cancelled event in the heap.
      top.cancelled = true;
    }
    return top;
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop() as SimEvent;
    const length = heap.length;
    if (length === 0) return;
    // Sift the last element down from the root with a hole.
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let best = heap[left];
      if (right < length) {
        const other = heap[right];
        if (other.time < best.time || (other.time === best.time && other.seq < best.seq)) {
          child = right;
          best = other;
        }
      }
      if (last.time < best.time || (last.time === best.time && last.seq < best.seq)) break;
      heap[index] = best;
      index = child;
    }
    heap[index] = last;
  }

  private compact(): void {
    const live = this.heap.filter((event) => !event.cancelled);
    live.sort((x, y) => x.time - y.time || x.seq - y.seq);
    // A sorted array is a valid heap.
    this.heap = live;
    this.cancelledInHeap = 0;
  }
}
