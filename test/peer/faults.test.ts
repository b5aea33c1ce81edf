import { once } from 'node:events';
import test, { type ExecutionContext } from 'ava';
import { isWhohasError, type WhohasError } from '../../impl/errors.ts';
import { buildWorld, type PeerSpec, type PeerWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MB = 1024 * 1024;
const SLOW = { delayMs: 2, bandwidthBps: 40e6 };

/**
 * A world on SLOW paths where each owner (with its options) shares `text`, 4 MB derived from the
 * seed, and `others` join the room after them.
 */
async function slowWorld(
  t: ExecutionContext,
  seed: number,
  owners: Record<string, PeerSpec['options']>,
  others: string[],
): Promise<{ world: PeerWorld; data: Buffer }> {
  const data = patternBytes(4 * MB, seed);
  const sharing = Object.entries(owners).map(([name, options]) => ({
    name,
    options,
    files: { text: data },
  }));
  const world = await buildWorld({ t, seed, profile: SLOW, peers: [...sharing, ...others] });
  return { world, data };
}

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
    const { world, data } = await slowWorld(t, 31, { eswar: {}, danis: {} }, ['eko']);
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
  const { world } = await slowWorld(t, 32, { eswar: {} }, ['eko']);
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
  const { world, data } = await slowWorld(t, 33, { eswar: { parallel: 1 } }, ['eko', 'arjun']);
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
  const { world, data } = await slowWorld(t, 34, { eswar: {} }, ['eko']);
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

/** The server stops reading `name`'s lines: its end of that connection is paused. */
function serverStopsReading(world: PeerWorld, name: string): { resume(): void } {
  const address = world.host(name).address;
  const end = [...world.serverHost.streams].find((stream) => stream.remoteAddress === address);
  if (!end) throw new Error(`no connection from ${name} on the server`);
  end.pause();
  return end;
}

test('a server that stops reading: answers beyond the outbox cap are dropped and counted, own lines then fail with OUTBOX_FULL', async (t) => {
  const file = `long-name-${'f'.repeat(200)}`;
  const world = await buildWorld({
    t,
    seed: 36,
    // The server reads the backlog in one burst once it resumes: no rate limit in the way.
    server: { rateLinesPerSecond: 1e6, rateBurst: 1e6 },
    // ...and no reply budget either: the outbox cap is what this test is about.
    peerDefaults: {
      replyBudget: {
        rate: 1e6,
        burst: 1e6,
        perRequesterRate: 1e6,
        perRequesterBurst: 1e6,
        queued: 1e6,
      },
    },
    peers: [
      { name: 'eswar', files: { [file]: 'hello' } },
      'mallory',
      { name: 'eko', files: { [file]: 'hello' } },
    ],
  });
  const eswar = world.peer('eswar');
  const fromEko = await world.run(eswar.whohas(file));
  const mallory = world.peer('mallory');
  const eko = world.peer('eko');
  const answers: string[] = [];
  mallory.on('line', (line) => line.startsWith(`#eswar|have|${file}|`) && answers.push(line));
  const heard: string[] = [];
  eko.on('line', (line) => line.startsWith('#eswar|') && heard.push(line));
  const deafToEswar = serverStopsReading(world, 'eswar');

  const asked = 1000;
  for (let i = 0; i < asked; i++) {
    await world.run(mallory.send(`@eswar|whohas|${file}`));
    if (i % 50 === 49) await world.sim.runUntil(world.sim.now + 50);
  }
  await world.sim.runUntil(world.sim.now + 1000);
  t.true(eswar.droppedLines > 0, `dropped ${eswar.droppedLines}`);
  // Automatic answers leave half of the outbox to the user's own lines.
  const own = ['@eko|still here'];
  await world.run(eswar.send(own[0]));
  let refusal: unknown;
  for (let i = 0; i < 1000 && refusal === undefined; i++) {
    const text = `@eko|line ${i} ${'x'.repeat(100)}`;
    try {
      await world.run(eswar.send(text));
      own.push(text);
    } catch (error) {
      refusal = error;
    }
  }
  t.true(isWhohasError(refusal, 'OUTBOX_FULL'), String(refusal));
  const whohas = await t.throwsAsync(world.run(eswar.whohas(file)));
  t.true(isWhohasError(whohas, 'OUTBOX_FULL'));
  const download = await t.throwsAsync(world.run(eswar.getFile(fromEko, file)));
  t.true(isWhohasError(download, 'OUTBOX_FULL'), download?.message);
  t.deepEqual(world.listFiles('eswar'), [file]);

  deafToEswar.resume();
  await world.sim.runUntil(world.sim.now + 1000);
  t.is(answers.length + eswar.droppedLines, asked);
  t.deepEqual(
    heard,
    own.map((line) => line.replace(/^@eko\|/, '#eswar|')),
  );
  t.is(eswar.state, 'in-room');
  await world.close();
});
