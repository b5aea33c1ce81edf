/**
 * Datagram ping-pong across a simulated 'lan' path: one packet bounces between two hosts until
 * N packets have been sent. Prints packets, virtual time, wall time and events per wall second.
 * Goal: 1,000,000 packets in at most 3 s of wall time.
 *
 *   npx tsx bench/sim-pingpong.ts [packets=1000000] [seed=1]
 */
import { Simulator } from '../sim/index.ts';

export interface PingPongResult {
  packets: number;
  virtualMs: number;
  wallMs: number;
  events: number;
  traceHash: string;
}

export async function pingPong(
  packets: number,
  seed: number | string = 1,
): Promise<PingPongResult> {
  const sim = new Simulator({ seed });
  const alice = sim.addHost('alice');
  const bob = sim.addHost('bob');
  sim.connect(alice, bob, 'lan');
  const ping = alice.platform.dgram.createSocket();
  const pong = bob.platform.dgram.createSocket();
  await sim.until(Promise.all([ping.bind(4000), pong.bind(4001)]));
  let sent = 0;
  const payload = Buffer.alloc(64);
  pong.on('message', (message, rinfo) => {
    if (sent++ < packets) pong.send(message, rinfo.port, rinfo.address);
  });
  ping.on('message', (message, rinfo) => {
    if (sent++ < packets) ping.send(message, rinfo.port, rinfo.address);
  });
  const startEvents = sim.eventCount;
  const wallStart = performance.now();
  sent++;
  ping.send(payload, 4001, bob.address);
  await sim.run();
  const wallMs = performance.now() - wallStart;
  return {
    packets: sent - 1,
    virtualMs: sim.now,
    wallMs,
    events: sim.eventCount - startEvents,
    traceHash: sim.traceHash(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packets = Number(process.argv[2] ?? 1_000_000);
  const seed = process.argv[3] ?? '1';
  const result = await pingPong(packets, seed);
  console.log(`seed ${seed}`);
  console.log(`packets      ${result.packets.toLocaleString('en-US')}`);
  console.log(`virtual time ${result.virtualMs.toFixed(3)} ms`);
  console.log(`wall time    ${result.wallMs.toFixed(0)} ms`);
  console.log(
    `events/s     ${Math.round((result.events / result.wallMs) * 1000).toLocaleString('en-US')}`,
  );
  console.log(`trace hash   ${result.traceHash}`);
}
