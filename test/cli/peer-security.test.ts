import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { patternBytes } from '../helpers/platforms.ts';
import { type Start, startOwner, startServer, withProcesses } from '../helpers/processes.ts';

const isPart = (name: string) => name.startsWith('.whohas-') && name.endsWith('.part');

/** `whohas peer --serve` as `name` in room `team`, sharing `files` from `<dir>/<folder>`. */
async function serveAs(
  start: Start,
  dir: string,
  address: string,
  who: { name: string; folder: string; files: Record<string, string> },
  extra: string[],
) {
  await mkdir(join(dir, who.folder));
  for (const [file, data] of Object.entries(who.files)) {
    await writeFile(join(dir, who.folder, file), data);
  }
  const peer = start([
    'peer',
    '--serve',
    '--name',
    who.name,
    '--room',
    'team',
    '--create',
    '--server',
    address,
    '--folder',
    who.folder,
    ...extra,
  ]);
  await peer.line(/^whohas peer .* serving /);
  return peer;
}

// The attack of issue "Murphy's law, proven", with real processes: mallory squats alice's
// private room under alice's name; before room ids `get` said ok:true, verified:sha256 with
// mallory's bytes.
test('whohas get refuses a squatted room: ROOM_NOT_PRIVATE, no file written', (t) =>
  withProcesses(async (start, dir) => {
    const { address } = await startServer(start);
    const getReport = () =>
      start([
        'get',
        'report.pdf',
        '--name',
        'bob',
        '--room',
        'team',
        '--password',
        'team-pw',
        '--from',
        'alice',
        '--server',
        address,
        '--out',
        'dl',
        '--json',
      ]);
    const alice = await serveAs(
      start,
      dir,
      address,
      { name: 'alice', folder: 'alice', files: { 'report.pdf': 'genuine' } },
      ['--password', 'team-pw'],
    );
    const first = getReport();
    t.is((await first.finish()).code, 0, first.output());
    t.like(JSON.parse(first.stdout[0]), { ok: true, verified: 'sha256' });
    const pins = JSON.parse(await readFile(join(dir, 'dl', '.whohas-rooms.json'), 'utf8'));
    t.is(Object.keys(pins).length, 1, 'the room id is pinned in the download folder');
    await alice.stop('SIGTERM');

    await serveAs(
      start,
      dir,
      address,
      { name: 'alice', folder: 'mallory', files: { 'report.pdf': 'trojan' } },
      [],
    );
    const second = getReport();
    t.is((await second.finish()).code, 1, second.output());
    t.like(JSON.parse(second.stdout[0]), { ok: false, code: 'ROOM_NOT_PRIVATE' });
    t.deepEqual((await readdir(join(dir, 'dl'))).sort(), ['.whohas-rooms.json', 'report.pdf']);
    t.is(await readFile(join(dir, 'dl', 'report.pdf'), 'utf8'), 'genuine');
  }));

// A receiver killed with SIGKILL used to leave its .part file forever.
test('after a receiver is SIGKILLed mid-transfer, the next get removes its part and completes', (t) =>
  withProcesses(async (start, dir) => {
    const data = patternBytes(24 * 1024 * 1024, 91);
    const { address } = await startServer(start);
    await startOwner(start, dir, address, { 'big.bin': data }, ['--create']);
    const get = (name: string, extra: string[]) =>
      start([
        'get',
        'big.bin',
        '--name',
        name,
        '--room',
        'chatroom',
        '--server',
        address,
        '--out',
        'dl',
        '--json',
        ...extra,
      ]);
    // A small window keeps the first receiver busy long enough to be killed mid-way.
    const victim = get('eko', ['--window', '1', '--packet-size', '512']);
    let part: string | undefined;
    for (let poll = 0; poll < 3000 && !part; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const names = await readdir(join(dir, 'dl')).catch(() => [] as string[]);
      const found = names.find(isPart);
      if (found && (await stat(join(dir, 'dl', found)).catch(() => undefined))?.size) part = found;
    }
    t.truthy(part, `the first get never wrote a part\n${victim.output()}`);
    t.deepEqual(await victim.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
    t.true((await readdir(join(dir, 'dl'))).includes(part!), 'SIGKILL left the part behind');

    const again = get('arjun', []);
    t.is((await again.finish()).code, 0, again.output());
    const names = await readdir(join(dir, 'dl'));
    t.false(names.some(isPart), `no part left: ${names.join(', ')}`);
    t.true((await readFile(join(dir, 'dl', 'big.bin'))).equals(data));
  }));
