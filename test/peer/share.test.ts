import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import type { Peer } from '../../impl/peer/index.ts';
import { buildWorld, type PeerWorld } from '../helpers/peer-world.ts';

/** The `#eswar|...` lines `peer` receives while `act` runs (and the whohas window after it). */
async function linesFrom(world: PeerWorld, peer: Peer, from: string, act: () => Promise<unknown>) {
  const lines: string[] = [];
  const listener = (line: string) => {
    if (line.startsWith(`#${from}|`)) lines.push(line);
  };
  peer.on('line', listener);
  try {
    await world.run(act());
    await world.sim.runUntil(world.sim.now + 50);
  } finally {
    peer.off('line', listener);
  }
  return lines;
}

async function sharers(world: PeerWorld, file: string): Promise<string[]> {
  const responders = await world.run(world.peer('eko').whohas(file));
  return responders.map((r) => r.user);
}

test('share controls decide what whohas finds, and never reach the server', async (t) => {
  const world = await buildWorld({
    t,
    seed: 21,
    peers: [{ name: 'eswar', files: { a: 'aaa', b: 'bbbb' } }, 'eko'],
  });
  const eswar = world.peer('eswar');
  const echoes: string[] = [];
  eswar.on('line', (line) => {
    if (line.startsWith('#me|')) echoes.push(line);
  });
  const run = (line: string) => world.run(eswar.send(line));

  t.deepEqual(await sharers(world, 'a'), ['eswar']);
  t.deepEqual(await run('@me|clrshare|a'), ['OK|a is no longer shared']);
  t.deepEqual(await sharers(world, 'a'), []);
  t.deepEqual(await sharers(world, 'b'), ['eswar']);
  // Asked directly (no whohas first), as a requester with an old answer would.
  const fromEswar = (file: string) => {
    const responder = { user: 'eswar', file, size: 0, address: world.host('eswar').address };
    return t.throwsAsync(world.run(world.peer('eko').getFile([responder], file)));
  };
  const cleared = await fromEswar('a');
  t.regex(cleared?.message ?? '', /eswar: NOT_FOUND/);

  t.deepEqual(await run('@me|setshare|a'), ['OK|a is shared']);
  t.deepEqual(await sharers(world, 'a'), ['eswar']);

  t.deepEqual(await run('@me|clrglobalshare'), ['OK|Global sharing is off: no file is offered']);
  t.deepEqual(await sharers(world, 'a'), []);
  t.deepEqual(await sharers(world, 'b'), []);
  const off = await fromEswar('b');
  t.regex(off?.message ?? '', /eswar: NOT_SHARED/);
  t.deepEqual(await run('@me|setshare|b'), [
    'OK|b may be shared, but global sharing is off (@me|setglobalshare)',
  ]);
  t.deepEqual(await sharers(world, 'b'), []);

  t.deepEqual(await run('@me|setglobalshare'), ['OK|Global sharing is on']);
  t.deepEqual(await sharers(world, 'b'), ['eswar']);
  await run('@me|clrshare|b');
  t.deepEqual(await run('@me|getsharestatus'), [
    'OK|Global sharing on; 1 of 2 files shared; window 16; arq gbn; packet size 2048; 0 of 4 upload slots busy',
    'SHARE|a|3|shared',
    'SHARE|b|4|not shared',
    'OK|Cleared: b',
  ]);

  t.deepEqual(await run('@me|setwindow|32'), ['OK|Window set to 32 for the next downloads']);
  t.is(eswar.window, 32);
  t.deepEqual(await run('@me|setwindow|0'), [
    'ERROR|BAD_WINDOW|window must be a whole number from 1 to 65535, got 0',
  ]);
  t.is(eswar.window, 32);
  t.regex((await run('@me|setshare|../x'))[0], /^ERROR\|BAD_FILENAME\|/);

  // Local commands never travel; any other @me line goes to the server, which echoes it.
  t.deepEqual(await run('@me|hello'), []);
  await world.sim.runUntil(world.sim.now + 50);
  t.deepEqual(echoes, ['#me|hello']);
  await world.close();
});

test('the 2016 window travels with the request: setwindow changes what the next download asks for', async (t) => {
  const world = await buildWorld({
    t,
    seed: 22,
    peers: [{ name: 'eswar', files: { a: 'x'.repeat(10_000) } }, 'eko'],
  });
  const eko = world.peer('eko');
  await world.run(eko.send('@me|setwindow|3'));
  const windows: number[] = [];
  world.peer('eswar').on('transfer-start', (info) => windows.push(info.window));
  await world.run(eko.getFile('eswar', 'a'));
  t.deepEqual(windows, [3]);
  await world.close();
});

test('the scheme travels with the request too: setarq changes what the next download runs', async (t) => {
  const world = await buildWorld({
    t,
    seed: 24,
    peers: [{ name: 'eswar', files: { a: 'x'.repeat(50_000) } }, 'eko'],
  });
  const eko = world.peer('eko');
  t.deepEqual(await world.run(eko.send('@me|setarq|sr')), [
    'OK|ARQ scheme set to sr for the next downloads',
  ]);
  t.deepEqual(await world.run(eko.send('@me|setarq|tcp')), [
    'ERROR|UNSUPPORTED_ARQ|arq must be one of gbn, sr, got "tcp"',
  ]);
  t.is(eko.arq, 'sr');
  const schemes: string[] = [];
  world.peer('eswar').on('transfer-start', (info) => schemes.push(info.arq));
  const result = await world.run(eko.getFile('eswar', 'a'));
  t.deepEqual(schemes, ['sr']);
  t.is(result.stats.bytes, 50_000);
  await world.close();
});

const escapeAttempt = test.macro({
  async exec(t, file: string) {
    const world = await buildWorld({
      t,
      seed: 23,
      peers: [{ name: 'eswar', files: { inside: 'ok' } }, 'eko'],
    });
    const eswarHost = world.host('eswar');
    eswarHost.files.write('/etc/passwd', 'root:x:0:0');
    eswarHost.files.write('/home/eswar/secret', 'do not share');
    eswarHost.files.symlink('/etc/passwd', `${world.folderOf('eswar')}/pw`);
    eswarHost.files.symlink('../secret', `${world.folderOf('eswar')}/up`);
    const eko = world.peer('eko');
    // What whohas says: nothing (a name that is not a plain entry is refused at once).
    let answered: unknown[] = [];
    try {
      answered = await world.run(eko.whohas(file));
    } catch (error) {
      t.true(isWhohasError(error, 'BAD_FILENAME'));
    }
    t.deepEqual(answered, []);
    // What a hand-written getfile gets: a refusal naming BAD_FILENAME, and no datagram sent.
    const lines = await linesFrom(world, eko, 'eswar', () =>
      eko.send(`@eswar|getfile|${file}|${world.host('eko').address}|40000|77|16|2048`),
    );
    t.is(lines.length, 1, lines.join('\n'));
    t.regex(lines[0], /^#eswar\|refused\|[^|]*\|77\|BAD_FILENAME\|/);
    t.is(world.peer('eswar').uploads.length, 0);
    // The API refuses such names at once.
    await t.throwsAsync(world.run(eko.getFile('eswar', file)), { instanceOf: Error });
    await world.close();
  },
  title: (_title, file: string) =>
    `a request for ${JSON.stringify(file)} cannot leave the share folder`,
});

for (const file of ['../secret', '/etc/passwd', 'a/../../secret', '..', 'pw', 'up'])
  test(escapeAttempt, file);

test('a bare 2016 getfile is refused with what is missing', async (t) => {
  const world = await buildWorld({
    t,
    seed: 24,
    peers: [{ name: 'eswar', files: { text: 'abc' } }, 'eko'],
  });
  const eko = world.peer('eko');
  const lines = await linesFrom(world, eko, 'eswar', () => eko.send('@eswar|getfile|text'));
  t.deepEqual(lines, [
    '#eswar|refused|text|-|BAD_ARGUMENT|getfile needs getfile|<file>|<address>|<port>|<transferId>|<window>|<packetSize>[|<arq>] (missing: address, port, transferId, window, packetSize); use a whohas client to download, the 2016 form carries no datagram port',
  ]);
  const badWindow = await linesFrom(world, eko, 'eswar', () =>
    eko.send('@eswar|getfile|text|10.0.0.3|4000|5|0|2048'),
  );
  t.regex(badWindow[0], /^#eswar\|refused\|text\|5\|BAD_WINDOW\|/);
  await world.close();
});
