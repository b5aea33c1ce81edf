/**
 * What `whohas get` and `peer --serve` say of the way a file went (NAT traversal is on by
 * default): on loopback the punched pair is the owner's host candidate, told as `path` and
 * `pair` in --json and as `direct ADDR:PORT (host)` in the summary lines; with --no-nat there is
 * no pair (the 2016 way), and the path is still direct.
 */
import { readFile } from 'node:fs/promises';
import test from 'ava';
import { patternBytes } from '../helpers/platforms.ts';
import { startOwner, startServer, withProcesses } from '../helpers/processes.ts';

const getArgs = (server: string, out: string, extra: string[]) => [
  'get',
  'blob',
  '--name',
  `eko-${out}`,
  '--room',
  'chatroom',
  '--server',
  server,
  '--out',
  out,
  ...extra,
];

test('get reports the route: punched host pair by default, no pair with --no-nat', (t) =>
  withProcesses(async (start, dir) => {
    const data = patternBytes(300_000, 5);
    const { address } = await startServer(start);
    const owner = await startOwner(start, dir, address, { blob: data }, ['--create']);

    const json = start(getArgs(address, 'json', ['--json']));
    t.deepEqual(await json.finish(), { code: 0, signal: null }, json.stderr.join('\n'));
    const report = JSON.parse(json.stdout[0]);
    t.is(report.path, 'direct');
    t.like(report.pair, { kind: 'host' });
    t.regex(report.pair.remote, /^127\.0\.0\.1:\d+$/);
    t.true((await readFile(report.saved)).equals(data));
    // The owner's log names the pair it punched to the requester.
    await owner.line(/^upload done: blob: .* to eko-json .*, direct 127\.0\.0\.1:\d+ \(host\)$/);

    const text = start(getArgs(address, 'text', []));
    t.deepEqual(await text.finish(), { code: 0, signal: null }, text.stderr.join('\n'));
    t.regex(text.stdout[0], /^blob: .* from eswar .*, direct 127\.0\.0\.1:\d+ \(host\)$/);

    const legacy = start(getArgs(address, 'legacy', ['--json', '--no-nat']));
    t.deepEqual(await legacy.finish(), { code: 0, signal: null }, legacy.stderr.join('\n'));
    const plain = JSON.parse(legacy.stdout[0]);
    t.is(plain.path, 'direct');
    t.is(plain.pair, undefined, 'no NAT traversal: no pair was chosen');
    await owner.line(/getfile\|blob\|127\.0\.0\.1\|\d+\|\d+\|16\|2048\|gbn\|sha256=[0-9a-f]+$/);
  }));
