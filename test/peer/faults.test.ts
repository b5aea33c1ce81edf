import { once } from 'node:events';
import test from 'ava';
import { isWhohasError, type WhohasError } from '../../impl/errors.ts';
import { patternBytes } from '../helpers/platforms.ts';
import { buildWorld } from '../helpers/world.ts';

const MB = 1024 * 1024;
const SLOW = { delayMs: 2, bandwidthBps: 40e6 };

/** Download progress from one owner: give `onProgress` to getFile, await `reached(bytes)`. */
function progressFrom(owner: string) {
  let waiting: { bytes: number; resolve: () => void } | undefined;
  return {
    onProgress(bytes: number, _size: number, from: string) {
      if (from === owner && waiting && bytes >= waiting.bytes) waiting.resolve();
    },
    reached(bytes: number): Promise<void> {
      return new Promise((resolve) => {
        waiting = { bytes, resolve };
      });
    },
  };
}

const ownerVanishes = test.macro({
  async exec(t, how: 'leaves' | 'crashes') {
    const data = patternBytes(4 * MB, 31);
    const world = await buildWorld({
      t,
      seed: 31,
      profile: SLOW,
      peers: [
        { name: 'eswar', files: { text: data } },
        { name: 'danis', files: { text: data } },
        'eko',
      ],
    });
    const eko = world.peer('eko');
    const responders = await world.run(eko.whohas('text'));
    const ordered = [...responders].sort((a) => (a.user === 'eswar' ? -1 : 1));
    const progress = progressFrom('eswar');
    const halfway = progress.reached(MB);
    const download = eko.getFile(ordered, 'text', { onProgress: progress.onProgress });
    await world.run(halfway);
    t.true(world.listFiles('eko').some((name) => name.startsWith('.whohas-')));
    if (how === 'leaves') await world.run(world.peer('eswar').close());
    else world.host('eswar').crash();
    const result = await world.run(download);
    t.is(result.from.user, 'danis');
    t.is(result.failures[0].user, 'eswar');
    t.true(
      ['PEER_GONE', 'TRANSFER_ABORTED'].includes(result.failures[0].error.code),
      result.failures[0].error.message,
    );
    t.true(world.host('eko').files.read(result.path).equals(data));
    t.deepEqual(world.listFiles('eko'), ['text']);
    await world.close();
  },
  title: (_title, how: string) =>
    `the owner ${how} mid-transfer: a clear error, no partial file, the next responder delivers`,
});

test(ownerVanishes, 'leaves');
test(ownerVanishes, 'crashes');

test('the owner vanishing with nobody to fall back on leaves no partial file', async (t) => {
  const world = await buildWorld({
    t,
    seed: 32,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: patternBytes(4 * MB, 32) } }, 'eko'],
  });
  const eko = world.peer('eko');
  const progress = progressFrom('eswar');
  const halfway = progress.reached(MB);
  const download = eko.getFile('eswar', 'text', { onProgress: progress.onProgress });
  await world.run(halfway);
  world.host('eswar').crash();
  const error = (await t.throwsAsync(world.run(download))) as WhohasError;
  t.is(error.code, 'ALL_RESPONDERS_FAILED');
  t.regex(error.message, /eswar: PEER_GONE \(eswar left the room during the transfer\)/);
  t.deepEqual(world.listFiles('eko'), []);
  await world.close();
});

test('a requester that leaves frees its upload slot for the next one', async (t) => {
  const data = patternBytes(4 * MB, 33);
  const world = await buildWorld({
    t,
    seed: 33,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: data }, options: { parallel: 1 } }, 'eko', 'arjun'],
  });
  const eswar = world.peer('eswar');
  const ended = once(eswar, 'transfer-end');
  const started = once(eswar, 'transfer-start');
  void world
    .peer('eko')
    .getFile('eswar', 'text')
    .catch(() => undefined);
  await world.run(started);
  t.is(eswar.uploads.length, 1);
  world.host('eko').crash();
  const [end] = await world.run(ended);
  t.is(end.error?.code, 'PEER_GONE');
  t.is(eswar.uploads.length, 0);
  const result = await world.run(world.peer('arjun').getFile('eswar', 'text'));
  t.true(world.host('arjun').files.read(result.path).equals(data));
  await world.close();
});

test('when the server goes, peers report SERVER_GONE and a running transfer still finishes', async (t) => {
  const data = patternBytes(4 * MB, 34);
  const world = await buildWorld({
    t,
    seed: 34,
    profile: SLOW,
    peers: [{ name: 'eswar', files: { text: data } }, 'eko'],
  });
  const eko = world.peer('eko');
  const errors: WhohasError[] = [];
  eko.on('error', (error) => errors.push(error));
  const progress = progressFrom('eswar');
  const halfway = progress.reached(MB);
  const download = eko.getFile('eswar', 'text', { onProgress: progress.onProgress });
  await world.run(halfway);
  world.serverHost.crash();
  const result = await world.run(download);
  t.true(world.host('eko').files.read(result.path).equals(data));
  t.is(errors.length, 1);
  t.is(errors[0].code, 'SERVER_GONE');
  t.is(eko.state, 'gone');
  t.throws(() => eko.whohas('text'), { code: 'SERVER_GONE' } as never);
  await t.throwsAsync(world.run(eko.getFile('eswar', 'text')), {
    message: /server connection is gone/,
  });
  await world.close();
});

test('a server shutdown during whohas ends it with SERVER_GONE and the reason', async (t) => {
  const world = await buildWorld({ t, seed: 35, peers: [{ name: 'eswar', files: {} }, 'eko'] });
  const eko = world.peer('eko');
  const asking = eko.whohas('text', { waitMs: 5_000 });
  world.sim.after(10, () => void world.server.close('maintenance'));
  const error = await t.throwsAsync(world.run(asking));
  t.true(isWhohasError(error, 'SERVER_GONE'));
  t.regex(error?.message ?? '', /maintenance/);
  await world.close();
});

test('two users asking whohas at the full allowed rate do not shut an honest asker out', async (t) => {
  const world = await buildWorld({
    t,
    seed: 3,
    peers: [{ name: 'eswar', files: { text: 'hello' } }, 'mallory', 'trudy', 'eko'],
  });
  // Each floods at the server's default 20 lines/s: within its own limit, but eswar's answers
  // to both would be twice eswar's.
  for (const name of ['mallory', 'trudy']) {
    const flooder = world.peer(name);
    const { clock } = world.host(name).platform;
    const ask = () => {
      flooder.send('@all|whohas|text').catch(() => undefined);
      clock.setTimeout(ask, 50);
    };
    ask();
  }
  await world.sim.runUntil(world.sim.now + 10_000);
  const eko = world.peer('eko');
  let answered = 0;
  for (let i = 0; i < 10; i++) answered += (await world.run(eko.whohas('text'))).length;
  t.true(answered >= 3, `eko was answered ${answered} times of 10`);
  t.is(world.peer('eswar').state, 'in-room');
  for (const name of ['mallory', 'trudy']) world.host(name).crash();
  await world.close();
});
