/**
 * The UDP blast of fidelity/ns3/blast.cc on our simulator: `count` datagrams of `size` bytes,
 * one every `intervalUs`, from one host to another over one path of `bandwidthBps`, `delayMs`
 * and a drop-tail queue limited in packets or bytes (waiting packets only, as ns-3 counts).
 * Framing is 30 bytes, as on ns-3's point-to-point link (IPv4 20 + UDP 8 + PPP 2), so both
 * serialize and count the same wire sizes. Delivered, dropped, mean and largest one-way delay.
 */
import { Simulator } from '../../sim/index.ts';

/** IPv4 + UDP + the point-to-point link's PPP header, as ns-3 puts them on the wire. */
export const PPP_FRAMING = 30;

export interface BlastSpec {
  bandwidthBps: number;
  delayMs: number;
  queue: { packets: number } | { bytes: number };
  size: number;
  count: number;
  intervalUs: number;
}

export interface BlastResult {
  sent: number;
  delivered: number;
  dropped: number;
  mean_delay_ms: number;
  max_delay_ms: number;
  last_arrival_ms: number;
}

export async function simBlast(spec: BlastSpec): Promise<BlastResult> {
  const sim = new Simulator({ seed: 1 });
  const source = sim.addHost('source');
  const sink = sim.addHost('sink');
  const path = {
    bandwidthBps: spec.bandwidthBps,
    delayMs: spec.delayMs,
    queue: { kind: 'droptail' as const, ...spec.queue },
    framingBytes: PPP_FRAMING,
  };
  sim.connect(source, sink, path, path);
  const sender = source.platform.dgram.createSocket();
  const receiver = sink.platform.dgram.createSocket();
  await sim.until(Promise.all([sender.bind(4000), receiver.bind(9)]));
  const start = sim.now;
  let delivered = 0;
  let delaySum = 0;
  let delayMax = 0;
  let lastArrival = 0;
  receiver.on('message', (message) => {
    const now = sim.now - start;
    const delay = now - (message.readUInt32BE(0) * spec.intervalUs) / 1000;
    delivered++;
    delaySum += delay;
    delayMax = Math.max(delayMax, delay);
    lastArrival = now;
  });
  const clock = source.platform.clock;
  for (let seq = 0; seq < spec.count; seq++) {
    clock.setTimeout(
      () => {
        const bytes = Buffer.alloc(spec.size);
        bytes.writeUInt32BE(seq, 0);
        sender.send(bytes, 9, sink.address);
      },
      (seq * spec.intervalUs) / 1000,
    );
  }
  await sim.run();
  return {
    sent: spec.count,
    delivered,
    dropped: spec.count - delivered,
    mean_delay_ms: delivered > 0 ? delaySum / delivered : 0,
    max_delay_ms: delayMax,
    last_arrival_ms: lastArrival,
  };
}
