import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import type { Peer } from '../../impl/peer/index.ts';
import { ReplyBudget } from '../../impl/peer/reply-budget.ts';
import { buildWorld, type PeerWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const SLOW = { delayMs: 2, bandwidthBps: 40e6 };

/** `peer` sends `line` at `perSecond` until virtual time `until`; returns the count sent. */
function flood(world: PeerWorld, peer: Peer, line: string, perSecond: number, until: number) {
  const sent = { lines: 0 };
  const tick = () => {
    if (world.sim.now >= until) return;
    sent.lines += 1;
    peer.send(line).catch(() => undefined);
    world.sim.after(1000 / perSecond, tick);
  };
  tick();
  return sent;
}

/** The `#<from>|refused|` lines `peer` receives. */
function refusalsTo(peer: Peer, from: string) {
  const seen = { lines: 0 };
  peer.on('line', (line) => {
    if (line.startsWith(`#${from}|refused|`)) seen.lines += 1;
  });
  return seen;
}

// The attack of issue "Murphy's law, proven": 2 users at 19.5 lines/s of getfile nosuchfile got
// the *owner* kicked for FLOODING after 34 s (its refusals went over its own rate limit), and
// `peer --serve` exited.
test('two getfile flooders for 60 s: the owner stays, a legitimate download completes', async (t) => {
  const data = patternBytes(256 * 1024, 87);
  const world = await buildWorld({
    t,
    seed: 87,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: data } }, 'mal', 'lory', 'eko'],
  });
  const eswar = world.peer('eswar');
  const end = world.sim.now + 60_000;
  const heard = refusalsTo(world.peer('mal'), 'eswar');
  const sent = flood(world, world.peer('mal'), '@eswar|getfile|nosuchfile', 19.5, end);
  flood(world, world.peer('lory'), '@eswar|getfile|nosuchfile', 19.5, end);
  await world.sim.runUntil(world.sim.now + 40_000);
  t.log(`after 40 s of flood the owner is ${eswar.state}`);
  t.is(eswar.state, 'in-room', 'not kicked 40 s into the flood');
  const result = await world.run(world.peer('eko').getFile('eswar', 'text'));
  t.true(world.host('eko').files.read(result.path).equals(data));
  await world.sim.runUntil(end + 1_000);
  t.is(eswar.state, 'in-room', 'not kicked after 60 s of flood');
  // 19.5 lines/s is within the server's rate: every request reached the owner, and the owner's
  // replies never went over its own rate either.
  t.is(world.server.stats.linesRateLimited, 0);
  // The flooder still hears refusals, a bounded trickle of them (its share of 15 lines/s).
  t.log(`mal sent ${sent.lines} getfiles and heard ${heard.lines} refusals`);
  t.true(heard.lines > 0 && heard.lines <= 30 + 15 * 61, `mal heard ${heard.lines} refusals`);
  await world.close();
});

// 50 requests at once against --parallel 2: 10 refusals went over the owner's rate and were
// lost, and 2 real downloads waited 34 s for TRANSFER_TIMEOUT.
test('50 getfiles at once against --parallel 2: every requester hears SLOTS_FULL or sending', async (t) => {
  const data = patternBytes(4 * 1024 * 1024, 88);
  const names = Array.from({ length: 50 }, (_, i) => `r${i}`);
  const world = await buildWorld({
    t,
    seed: 88,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: data }, options: { parallel: 2 } }, ...names],
  });
  const responder = {
    user: 'eswar',
    file: 'text',
    size: data.length,
    address: world.host('eswar').address,
  };
  const start = world.sim.now;
  const answeredAt: number[] = [];
  const outcomes = names.map((name) =>
    world
      .peer(name)
      .getFile([responder], 'text', {
        onProgress: () => undefined,
      })
      .then(
        () => 'delivered',
        (error) => {
          answeredAt.push(world.sim.now - start);
          const first = (error.cause as { error: Error }[] | undefined)?.[0]?.error;
          return isWhohasError(first) ? first.code : String(error);
        },
      ),
  );
  const results = await world.run(Promise.all(outcomes));
  t.log(
    `answered: ${results.length - results.filter((r) => r === 'TRANSFER_TIMEOUT').length}/50, last refusal after ${Math.max(...answeredAt)} ms`,
  );
  const count = (what: string) => results.filter((r) => r === what).length;
  t.is(count('delivered'), 2, results.join(','));
  t.is(count('SLOTS_FULL'), 48, results.join(','));
  t.true(
    Math.max(...answeredAt) < 5_000,
    `the last refusal came after ${Math.max(...answeredAt)} ms`,
  );
  await world.close();
});

// During a 3-user whohas flood, 16 of 24 legitimate downloads got NOT_FOUND: the owner's `have`
// answers were dropped once its replies had gone over its rate.
test('three whohas flooders: 24 downloads at one a second all find the owner', async (t) => {
  const world = await buildWorld({
    t,
    seed: 89,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: 'small file' } }, 'mal', 'lory', 'trudy', 'eko'],
  });
  const end = world.sim.now + 30_000;
  for (const name of ['mal', 'lory', 'trudy']) {
    flood(world, world.peer(name), '@all|whohas|text', 19.5, end);
  }
  const outcomes: string[] = [];
  for (let i = 0; i < 24; i++) {
    const started = world.sim.now;
    const download = world.peer('eko').getFile('eswar', 'text');
    outcomes.push(
      await world.run(
        download.then(
          () => 'ok',
          (error) => error.code,
        ),
      ),
    );
    await world.sim.runUntil(started + 1_000);
  }
  t.log(`found: ${outcomes.filter((o) => o === 'ok').length}/24`);
  t.deepEqual(outcomes, Array(24).fill('ok'));
  t.is(world.peer('eswar').state, 'in-room');
  await world.close();
});

/** A clock the test moves by hand (the budget only needs now, setTimeout and clearTimeout). */
function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock = {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(next, { at: now + ms, fn });
      return next++ as never;
    },
    clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    defer: (fn: () => void) => fn(),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.fn();
        }
      }
    },
  };
  return clock;
}

test('past the budget, replies go round robin and a flooder drops only its own oldest', (t) => {
  const clock = manualClock();
  const sent: string[] = [];
  const limits = { rate: 1, burst: 1, perRequesterRate: 100, perRequesterBurst: 100, queued: 2 };
  const budget = new ReplyBudget(clock, (line) => sent.push(line) > 0, limits);
  budget.reply('mal', 'm1'); // the one token: sent at once
  for (const text of ['m2', 'm3', 'm4']) budget.reply('mal', text);
  budget.reply('eko', 'e1');
  t.deepEqual(sent, ['@mal|m1']);
  t.is(budget.dropped, 1, 'mal had 2 waiting: m2, its oldest, was dropped');
  clock.advance(1000);
  clock.advance(1000);
  clock.advance(1000);
  // eko waited behind one line of mal's, not behind all of them.
  t.deepEqual(sent, ['@mal|m1', '@mal|m3', '@eko|e1', '@mal|m4']);
  budget.close();
});
