import { nameKey } from '../chat/wire.ts';
import { WhohasError } from '../errors.ts';
import type { Clock } from '../platform/types.ts';
import { encodeFileMessage, type HaveMessage } from './messages.ts';
import type { ChatSession } from './session.ts';
import type { Responder } from './types.ts';

interface Wait {
  onHave: (from: string, have: HaveMessage) => void;
  onGone: (error: WhohasError) => void;
}

/**
 * Collects `have` answers for the whohas questions in flight. Several questions may run at once
 * (each sees every answer); all of them end early, rejected, when the server goes away.
 */
export class Answers {
  readonly #clock: Clock;
  readonly #waits = new Set<Wait>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  deliver(from: string, have: HaveMessage): void {
    for (const wait of [...this.#waits]) wait.onHave(from, have);
  }

  serverGone(error: WhohasError): void {
    for (const wait of [...this.#waits]) wait.onGone(error);
  }

  /**
   * Sends the question through `ask` and gathers answers about `file` for `windowMs`, one per
   * user in arrival order; with `only`, just that user's, ending as soon as it answers. Rejects
   * with what `ask` throws.
   */
  collect(file: string, windowMs: number, ask: () => void, only?: string): Promise<Responder[]> {
    const responders: Responder[] = [];
    const seen = new Set<string>();
    return new Promise<Responder[]>((resolve, reject) => {
      const finish = (error?: unknown) => {
        this.#clock.clearTimeout(timer);
        this.#waits.delete(wait);
        if (error) reject(error);
        else resolve(responders);
      };
      const wait: Wait = {
        onHave: (from, have) => {
          const key = nameKey(from);
          if (have.file !== file || seen.has(key)) return;
          if (only !== undefined && key !== nameKey(only)) return;
          seen.add(key);
          const responder: Responder = { user: from, file, size: have.size, address: have.address };
          if (have.sha256 !== undefined) responder.sha256 = have.sha256;
          if (have.tree !== undefined) responder.tree = have.tree;
          responders.push(responder);
          if (only !== undefined) finish();
        },
        onGone: (error) => finish(error),
      };
      const timer = this.#clock.setTimeout(() => finish(), windowMs);
      this.#waits.add(wait);
      try {
        ask();
      } catch (error) {
        finish(error); // OUTBOX_FULL: the question never left
      }
    });
  }

  /** whohas to the room, or to `owner` alone (then done as soon as it answers). */
  ask(session: ChatSession, file: string, windowMs: number, owner?: string): Promise<Responder[]> {
    const question = `@${owner ?? 'all'}|${encodeFileMessage({ kind: 'whohas', file })}`;
    return this.collect(file, windowMs, () => session.send(question), owner);
  }

  /** whohas to `owner` alone: its answer, or NOT_FOUND / PEER_GONE / BAD_ARGUMENT. */
  async askOwner(
    session: ChatSession,
    self: string,
    owner: string,
    file: string,
    windowMs: number,
  ): Promise<Responder[]> {
    if (nameKey(owner) === nameKey(self)) {
      throw new WhohasError('BAD_ARGUMENT', `${file} would come from yourself (${self})`);
    }
    if (!session.isMember(owner)) {
      throw new WhohasError('PEER_GONE', `${owner} is not in room ${session.room}`);
    }
    const answers = await this.ask(session, file, windowMs, owner);
    if (answers.length === 0) {
      throw new WhohasError('NOT_FOUND', `${owner} did not offer ${file}`);
    }
    return answers;
  }
}
