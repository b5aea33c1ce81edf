/**
 * Datagram ping-pong across a simulated 'lan' path: one packet bounces between two hosts until
 * N packets have been sent. Prints packets, virtual time, wall time, events per wall second and
 * per CPU second (the fair figure on a shared machine), and the load average.
 * Goal: 1,000,000 packets in at most 3 s of wall time. With `star` the two hosts sit behind a
 * router on 'lan' links instead (every packet crosses two links: the routed path's rate).
 *
 *   npx tsx bench/sim-pingpong.ts [packets=1000000] [seed=1] [path|star]
 */
import { loadavg } from 'node:os';
import { Simulator } from '../sim/index.ts';

export interface PingPongResult {
  packets: number;
  virtualMs: number;
  wallMs: number;
  cpuMs: number;
  events: number;
  traceHash: string;
}

export async function pingPong(
  packets: number,
  seed: number | string = 1,
  shape: 'path' | 'star' = 'path',
): Promise<PingPongResult> {
  const sim = new Simulator({ seed });
  const alice = sim.addHost('alice');
  const bob = sim.addHost('bob');
  if (shape === 'path') sim.connect(alice, bob, 'lan');
  else {
    const hub = sim.addRouter('switch');
    sim.link(alice, hub, 'lan');
    sim.link(bob, hub, 'lan');
  }
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
  const cpuStart = process.cpuUsage();
  sent++;
  ping.send(payload, 4001, bob.address);
  await sim.run();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return {
    packets: sent - 1,
    virtualMs: sim.now,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    events: sim.eventCount - startEvents,
    traceHash: sim.traceHash(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packets = Number(process.argv[2] ?? 1_000_000);
  const seed = process.argv[3] ?? '1';
  const shape = process.argv[4] === 'star' ? 'star' : 'path';
  const result = await pingPong(packets, seed, shape);
  console.log(`seed ${seed}, ${shape}`);
  console.log(`packets      ${result.packets.toLocaleString('en-US')}`);
  console.log(`virtual time ${result.virtualMs.toFixed(3)} ms`);
  console.log(`wall time    ${result.wallMs.toFixed(0)} ms`);
  console.log(
    `events/s     ${Math.round((result.events / result.wallMs) * 1000).toLocaleString('en-US')}`,
  );
  console.log(
    `events/CPU s ${Math.round((result.events / result.cpuMs) * 1000).toLocaleString('en-US')}`,
  );
  console.log(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
  console.log(`trace hash   ${result.traceHash}`);
}
