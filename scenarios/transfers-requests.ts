/**
 * Murphy's law for file requests: files that are not there or not offered, names that try to
 * leave the share folder, busy owners, concurrent and colliding downloads, edge sizes and
 * windows. Every refusal reaches the requester with its code; nothing outside the folder leaks.
 */
import { join } from 'node:path';
import type { LineClient } from '../harness/line-client.ts';
import { proves } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';
import { sha256 } from './records.ts';
import { buildSwarm, nextTransferStart, type Swarm } from './swarm.ts';
import type { ScenarioWorld } from './world.ts';

const PAYLOAD = 2048 - 16;

/** A raw user in the swarm's room, to send getfile lines no Peer would send. */
async function intruder(world: ScenarioWorld): Promise<LineClient> {
  return world.login('mallory', 'swarm');
}

/** Sends a raw getfile to `owner` and returns its reply (a refusal, hopefully). */
async function rawGetfile(
  world: ScenarioWorld,
  client: LineClient,
  owner: string,
  fields: { file: string; id?: string; window?: string; packetSize?: string },
): Promise<string> {
  const id = fields.id ?? '77';
  const address = client.socket.localAddress;
  const line = `@${owner}|getfile|${fields.file}|${address}|40000|${id}|${fields.window ?? '16'}|${fields.packetSize ?? '2048'}`;
  client.send(line);
  return world.until(client.expect(`#${owner}|`, `a reply from ${owner} to ${line}`));
}

function expectRefusal(reply: string, codes: string[]): void {
  const fields = reply.split('|');
  invariant(
    fields[1] === 'refused' && codes.includes(fields[4]) && (fields[5] ?? '').trim() !== '',
    `expected a refusal with ${codes.join(' or ')} and a reason, got ${JSON.stringify(reply)}`,
  );
}

async function owners(world: ScenarioWorld, files: Record<string, Uint8Array>): Promise<Swarm> {
  return buildSwarm(world, [{ name: 'bob', files }, { name: 'alice' }]);
}

export const transferRequests = family('transfers', [
  {
    name: 'missing-file',
    description: 'whohas finds nobody; getfile of a missing file is NOT_FOUND, by API and raw',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NOT_FOUND', atLeast: 2 }),
    async script(world) {
      const swarm = await owners(world, { 'here.bin': world.bytes(1000) });
      const responders = await swarm.whohas('alice', 'nothere.bin');
      invariant(responders.length === 0, `whohas found ${JSON.stringify(responders)}`);
      await swarm.expectFailure('alice', 'bob', 'nothere.bin', ['NOT_FOUND']);
      const mallory = await intruder(world);
      expectRefusal(await rawGetfile(world, mallory, 'bob', { file: 'nothere.bin' }), [
        'NOT_FOUND',
      ]);
    },
  },
  {
    name: 'unshared-file',
    description: 'A file with sharing cleared is simply not found',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NOT_FOUND', atLeast: 2 }),
    async script(world) {
      const swarm = await owners(world, {
        'private.bin': world.bytes(1000),
        'open.bin': world.bytes(10),
      });
      const bob = swarm.get('bob').peer;
      const reply = await world.until(bob.send('@me|clrshare|private.bin'));
      invariant(reply[0]?.startsWith('OK|'), `clrshare answered ${JSON.stringify(reply)}`);
      const found = await swarm.whohas('alice', 'private.bin');
      invariant(found.length === 0, 'an unshared file was offered');
      await swarm.expectFailure('alice', 'bob', 'private.bin', ['NOT_FOUND']);
      const mallory = await intruder(world);
      expectRefusal(await rawGetfile(world, mallory, 'bob', { file: 'private.bin' }), [
        'NOT_FOUND',
      ]);
      await swarm.expectDownload('alice', 'bob', 'open.bin');
    },
  },
  {
    name: 'global-share-off',
    description: 'With global sharing off nothing is offered; raw getfile is NOT_SHARED',
    tags: ['real'],
    link: 'lan',
    evidence: proves('error.NOT_SHARED'),
    async script(world) {
      const swarm = await owners(world, { 'a.bin': world.bytes(500) });
      const bob = swarm.get('bob').peer;
      await world.until(bob.send('@me|clrglobalshare'));
      invariant((await swarm.whohas('alice', 'a.bin')).length === 0, 'a file was offered');
      await swarm.expectFailure('alice', 'bob', 'a.bin', ['NOT_FOUND', 'NOT_SHARED']);
      const mallory = await intruder(world);
      expectRefusal(await rawGetfile(world, mallory, 'bob', { file: 'a.bin' }), ['NOT_SHARED']);
      await world.until(bob.send('@me|setglobalshare'));
      await swarm.expectDownload('alice', 'bob', 'a.bin');
    },
  },
  {
    name: 'names-leave-folder',
    description: '../x, /etc/passwd, a/../../b, NUL and a link out of the folder never leak',
    tags: [],
    link: 'lan',
    evidence: proves({ counter: 'error.BAD_FILENAME', atLeast: 9 }, 'error.BAD_ENCODING'),
    async script(world) {
      const secret = world.bytes(64);
      await world.seedFile('bob', '/etc/passwd', secret);
      await world.seedFile('bob', '/x', secret);
      const swarm = await owners(world, { 'ok.bin': world.bytes(100) });
      await world.symlink('bob', '/etc/passwd', join(swarm.get('bob').folder, 'escape'));
      // The link itself is a pre-existing file of bob's folder: it must survive, unchanged.
      world.seeded.push({
        host: world.host('bob'),
        path: join(swarm.get('bob').folder, 'escape'),
        sha256: sha256(secret),
      });
      for (const name of ['../x', '/etc/passwd', 'a/../../b', '..', 'a\0b']) {
        await swarm.expectFailure('alice', 'bob', name, ['BAD_FILENAME']);
      }
      await swarm.expectFailure('alice', 'bob', 'escape', ['BAD_FILENAME', 'NOT_FOUND']);
      const mallory = await intruder(world);
      for (const file of ['../x', '/etc/passwd', 'a/../../b', '..%2fx/../..']) {
        expectRefusal(await rawGetfile(world, mallory, 'bob', { file }), ['BAD_FILENAME']);
      }
      expectRefusal(await rawGetfile(world, mallory, 'bob', { file: 'escape' }), [
        'BAD_FILENAME',
        'NOT_FOUND',
      ]);
      mallory.send('@bob|getfile|a\0b|10.0.0.1|40000|1|16|2048');
      await world.expectError(mallory, 'BAD_ENCODING');
      invariant(
        !mallory.lines.some((line) => line.includes('|sending|')),
        'bob started sending a file outside its folder',
      );
    },
  },
  {
    name: 'slot-cap-fallback',
    description: 'An owner at its upload cap refuses SLOTS_FULL; the requester falls back',
    tags: [],
    link: 'lan',
    evidence: proves('error.SLOTS_FULL', { counter: 'transfer.completed', atLeast: 4 }),
    async script(world) {
      const big = world.bytes(500_000);
      const small = world.bytes(50_000);
      const swarm = await buildSwarm(world, [
        { name: 'bob', files: { 'big.bin': big, 'doc.bin': small }, options: { parallel: 1 } },
        { name: 'carol', files: { 'doc.bin': small } },
        { name: 'dave' },
        { name: 'alice' },
      ]);
      // A slow path keeps dave's download (and bob's only slot) busy for seconds.
      world.impair('dave', 'bob', { forward: 'lan', reverse: { bandwidthBps: 1e6 } });
      const busy = swarm.start('dave', 'bob', 'big.bin');
      await world.until(nextTransferStart(swarm.get('bob')));
      const responders = (await swarm.whohas('alice', 'doc.bin')).sort((a) =>
        a.user === 'bob' ? -1 : 1,
      );
      invariant(responders.length === 2, `expected bob and carol, got ${responders.length}`);
      const got = await swarm.expectDownload('alice', responders, 'doc.bin');
      invariant(got.from.user === 'carol', `delivered by ${got.from.user}, expected carol`);
      const refusal = got.failures[0];
      invariant(
        refusal?.user === 'bob' && refusal.error.code === 'SLOTS_FULL',
        `expected bob's SLOTS_FULL first, got ${JSON.stringify(got.failures)}`,
      );
      const daves = await world.until(busy);
      invariant(daves.ok, `dave's download failed: ${daves.error?.message}`);
    },
  },
  {
    name: 'two-downloads-same-file',
    description: 'Two downloads of one file at once both land intact, under different names',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'transfer.completed', atLeast: 4 }),
    async script(world) {
      const swarm = await owners(world, { 'twice.bin': world.bytes(300_000) });
      const [first, second] = await world.until(
        Promise.all([
          swarm.start('alice', 'bob', 'twice.bin'),
          swarm.start('alice', 'bob', 'twice.bin'),
        ]),
      );
      invariant(first.ok && second.ok, 'one of two concurrent downloads failed');
      invariant(first.result.path !== second.result.path, 'both downloads claimed one name');
    },
  },
  {
    name: 'name-exists-at-receiver',
    description: 'A download never overwrites: it lands as "name (1).ext"',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: 'the name collision is a file the script seeds itself; the landing name is asserted',
    },
    async script(world) {
      const swarm = await owners(world, { 'report.txt': world.bytes(10_000) });
      const alice = swarm.get('alice');
      await world.seedFile('alice', join(alice.folder, 'report.txt'), world.bytes(77));
      const got = await swarm.expectDownload('alice', 'bob', 'report.txt');
      invariant(got.path === join(alice.folder, 'report (1).txt'), `landed at ${got.path}`);
    },
  },
  {
    name: 'edge-sizes',
    description: 'Sizes 0, 1 and around packet boundaries arrive byte-identical',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'transfer.completed', atLeast: 14 }),
    async script(world) {
      const sizes = [0, 1, PAYLOAD - 1, PAYLOAD, PAYLOAD + 1, 2 * PAYLOAD, 2 * PAYLOAD + 1];
      const files = Object.fromEntries(sizes.map((n) => [`size-${n}.bin`, world.bytes(n)]));
      const swarm = await owners(world, files);
      for (const n of sizes) {
        const got = await swarm.expectDownload('alice', 'bob', `size-${n}.bin`);
        invariant(got.stats.bytes === n, `size-${n}.bin reported ${got.stats.bytes} bytes`);
      }
    },
  },
  {
    name: 'window-1',
    description: 'Window 1 (stop-and-wait) moves a file intact',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'transfer.completed', atLeast: 2 }),
    async script(world) {
      const swarm = await owners(world, { 'w1.bin': world.bytes(40_000) });
      await swarm.expectDownload('alice', 'bob', 'w1.bin', { window: 1 });
    },
  },
  {
    name: 'window-4096',
    description: 'Window 4096 moves a file larger than the window intact',
    tags: [],
    link: 'lan',
    evidence: proves({ counter: 'transfer.completed', atLeast: 2 }),
    async script(world) {
      const swarm = await owners(world, { 'w4096.bin': world.bytes(4096 * PAYLOAD + 12_345) });
      await swarm.expectDownload('alice', 'bob', 'w4096.bin', { window: 4096 });
    },
  },
  {
    name: 'invalid-window',
    description: 'Windows 0, 65536, 1.5 and non-numbers are refused with BAD_WINDOW everywhere',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.BAD_WINDOW', atLeast: 8 }),
    async script(world) {
      const swarm = await owners(world, { 'w.bin': world.bytes(100) });
      for (const window of [0, 65_536, 1.5, -1]) {
        await swarm.expectFailure('alice', 'bob', 'w.bin', ['BAD_WINDOW'], { window });
      }
      const alice = swarm.get('alice').peer;
      for (const text of ['0', '65536', 'abc']) {
        const reply = await world.until(alice.send(`@me|setwindow|${text}`));
        invariant(reply[0]?.startsWith('ERROR|BAD_WINDOW|'), `setwindow ${text}: ${reply}`);
      }
      const mallory = await intruder(world);
      for (const window of ['0', '65536', 'abc', '']) {
        expectRefusal(await rawGetfile(world, mallory, 'bob', { file: 'w.bin', window }), [
          'BAD_WINDOW',
        ]);
      }
      await swarm.expectDownload('alice', 'bob', 'w.bin');
    },
  },
]);
