/**
 * Fair input turns (issue "Murphy's law, proven": with 300 members and 40 senders in one room,
 * another room's p99 reached 256 ms, 146 ms with stalls of seconds when they did not read).
 * Once a turn has spent its budget, lines to big rooms wait for a later turn; lines to small
 * rooms go on at once, so they are not queued behind a big room's backlog.
 */
import test from 'ava';
import { CHEAP_LINE, Turns } from '../../impl/chat/turns.ts';
import { Simulator } from '../../sim/index.ts';
import { onSim } from '../helpers/chat-world.ts';
import { address } from './attackers.ts';

test('past the budget expensive lines wait, cheap ones do not; waiters run later, in order', async (t) => {
  const sim = new Simulator({ seed: 1 });
  const clock = sim.addHost('server').platform.clock;
  const turns = new Turns(clock, 100);
  t.true(turns.mayRun(1000));
  turns.spend(100);
  t.false(turns.mayRun(CHEAP_LINE + 1));
  t.true(turns.mayRun(CHEAP_LINE));
  const ran: string[] = [];
  turns.wait(() => ran.push('first'));
  turns.wait(() => ran.push('second'));
  t.deepEqual(ran, []);
  await sim.run();
  t.deepEqual(ran, ['first', 'second']);
  t.true(turns.mayRun(1000));
});

test(
  "a small room's line is handled before the rest of a big room's pipelined broadcasts",
  onSim,
  async (t, world) => {
    const sim = world.sim!;
    const sender = address(world, 'sender');
    const big = await sender.connect();
    await big.login('sender', 'big', { create: true });
    for (let i = 0; i < 70; i++) await world.login(`m${i}`, 'big');
    const p1 = await world.login('p1', 'small', { create: true });
    const p2 = await world.login('p2', 'small');
    // Both writes reach the server at the same instant, as one segment each.
    for (const host of [sender.host, sim.host(`client${71}`)]) {
      sim.connect(host, 'server', { delayMs: 1 });
    }
    await world.sleep(100);
    sim.trace.records = [];
    big.socket.write('@all|broadcast\n'.repeat(40));
    p1.send('@p2|probe');
    t.is(await p2.until((line) => line.startsWith('#p1|')), '#p1|probe');
    const toP2 = `${sim.host('client72').address}:${p2.socket.localPort}`;
    const sent = sim.trace.records.filter((r) => r.event === 'sent' && r.size > 40);
    const probeAt = sent.findIndex((r) => r.to === toP2);
    const fromServer = (r: { from: string }) => r.from.startsWith(`${sim.host('server').address}:`);
    const after = sent.slice(probeAt + 1).filter((r) => fromServer(r) && r.to !== toP2);
    // Before: the probe was written after every one of the 40 x 70 deliveries.
    t.true(probeAt > 0);
    t.true(after.length >= 70, `${after.length} big-room writes after the probe`);
  },
  { turnBudget: 1_000, rateLinesPerSecond: 1e6, rateBurst: 1e6 },
);
