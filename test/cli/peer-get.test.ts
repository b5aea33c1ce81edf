import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { patternBytes } from '../helpers/platforms.ts';
import { startOwner, startServer, withProcesses } from '../helpers/processes.ts';

test('a server and two peers as processes move a file byte-identically over loopback', (t) =>
  withProcesses(async (start, dir) => {
    const data = patternBytes(3 * 1024 * 1024 + 5, 61);
    const { server, address } = await startServer(start);
    const owner = await startOwner(start, dir, address, { text: data }, [
      '--create',
      '--parallel',
      '2',
    ]);

    const get = start([
      'get',
      'text',
      '--name',
      'eko',
      '--room',
      'chatroom',
      '--server',
      address,
      '--out',
      'downloads',
      '--window',
      '32',
      '--json',
    ]);
    const exit = await get.finish();
    t.deepEqual(exit, { code: 0, signal: null }, get.stderr.join('\n'));
    t.is(get.stdout.length, 1, 'exactly one JSON object on stdout');
    const report = JSON.parse(get.stdout[0]);
    t.like(report, {
      ok: true,
      file: 'text',
      from: 'eswar',
      size: data.length,
      window: 32,
      failures: [],
    });
    t.is(report.stats.bytes, data.length);
    t.is(report.saved, join(dir, 'downloads', 'text'));
    t.true((await readFile(report.saved)).equals(data));
    // Four 1 MiB chunks (the last one 5 bytes), all from the one owner, nothing resumed.
    t.deepEqual(report.sources, [{ user: 'eswar', bytes: data.length, chunks: 4, failures: 0 }]);
    t.is(report.resumedBytes, 0);
    await owner.line(/\|range=3145728\+5(\||$)/);

    // The same over Selective Repeat: the owner runs whatever scheme the requester asks for.
    const selective = start([
      'get',
      'text',
      '--name',
      'eko',
      '--room',
      'chatroom',
      '--server',
      address,
      '--out',
      'downloads-sr',
      '--arq',
      'sr',
      '--json',
    ]);
    t.deepEqual(await selective.finish(), { code: 0, signal: null }, selective.stderr.join('\n'));
    const srReport = JSON.parse(selective.stdout[0]);
    t.like(srReport, { ok: true, arq: 'sr', failures: [] });
    t.true((await readFile(srReport.saved)).equals(data));

    const unknown = start(['get', 'text', '--name', 'eko', '--room', 'chatroom', '--arq', 'tcp']);
    t.not((await unknown.finish()).code, 0);
    t.regex(unknown.stderr.join('\n'), /arq must be one of gbn, sr, got "tcp"/);

    // Nobody shares this one: a clear failure, still one JSON object, exit 1.
    const missing = start([
      'get',
      'absent',
      '--name',
      'eko',
      '--room',
      'chatroom',
      '--server',
      address,
      '--json',
      '--wait',
      '200',
    ]);
    t.is((await missing.finish()).code, 1);
    t.like(JSON.parse(missing.stdout.join('\n')), { ok: false, code: 'NO_RESPONDERS' });
    t.regex(
      missing.stderr.join('\n'),
      /whohas get: NO_RESPONDERS: nobody in room chatroom shares absent/,
    );

    // get never creates a room: an empty new room could not answer.
    const nowhere = start([
      'get',
      'text',
      '--name',
      'eko',
      '--room',
      'elsewhere',
      '--server',
      address,
    ]);
    t.is((await nowhere.finish()).code, 1);
    t.regex(nowhere.stderr.join('\n'), /NO_SUCH_ROOM/);

    t.deepEqual(await owner.stop('SIGTERM'), { code: 0, signal: null });
    t.true(owner.stdout.includes('whohas peer closed'));
    t.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });
  }));

test('the raw console (--raw) runs local commands and turns a typed getfile into a download', (t) =>
  withProcesses(async (start, dir) => {
    const { server, address } = await startServer(start);
    const owner = await startOwner(start, dir, address, { 'notes.txt': 'the 2016 report\n' });
    const eko = start([
      'peer',
      '--raw',
      '--name',
      'eko',
      '--room',
      'chatroom',
      '--join',
      '--server',
      address,
      '--folder',
      'mine',
    ]);
    await eko.line(/^joined chatroom as eko/);
    eko.write('@me|setwindow|8');
    await eko.line(/^OK\|Window set to 8 for the next downloads$/);
    eko.write('@all|whohas|notes.txt');
    // The answer names the content: its SHA-256 and chunk tree.
    await eko.line(
      /^#eswar\|have\|notes\.txt\|16\|127\.0\.0\.1\|sha256=[0-9a-f]{64}\|tree=1048576:[0-9a-f]{64}$/,
    );
    eko.write('@eswar|getfile|notes.txt');
    const [, path] = await eko.line(/^notes\.txt: 0\.00 MB from eswar in .* -> (.*)$/);
    t.is(path, join(dir, 'mine', 'notes.txt'));
    t.is(await readFile(path, 'utf8'), 'the 2016 report\n');
    await owner.line(
      /^#eko\|getfile\|notes\.txt\|127\.0\.0\.1\|\d+\|\d+\|8\|2048\|gbn\|sha256=[0-9a-f]{64}(\|cand=[^|]+\|punch=[0-9a-f]{16})?$/,
    );
    eko.write('@me|getsharestatus');
    await eko.line(/^SHARE\|notes\.txt\|16\|shared$/);
    eko.write('@eswar|hello');
    await owner.line(/^#eko\|hello$/);
    t.deepEqual(await eko.finish(), { code: 0, signal: null });
    await owner.line(/^INFO\|LEFT\|eko\|User eko has left$/);
    await owner.stop('SIGINT');
    await server.stop('SIGTERM');
  }));
