/**
 * The route memo and the owner's race (docs/PROTOCOL.md, "NAT traversal"): between two symmetric
 * NATs punching cannot work, so a chunked download (one request per run of chunks) used to punch
 * for the whole punchMs before every request. The requester now remembers that the relay carried
 * an owner's transfer and asks the relay at once for that owner's later transfers; the owner takes
 * the relay as soon as the RELAY line comes, its own punch still running.
 */
import test, { type ExecutionContext } from 'ava';
import { type NatPeerWorld, natPeerWorld } from '../../harness/nat-world.ts';
import type { TransferEnd } from '../../impl/peer/index.ts';
import { RELAY_MEMO_MS } from '../../impl/peer/nat-link.ts';

const CHUNK = 16 * 1024;
/** 16 chunks: runs of 1, 2, 4, 8 and the last 1: five requests of one owner. */
const FILE = Buffer.from(Array.from({ length: 16 * CHUNK }, (_, i) => (i * 7) % 251));
const PUNCH_MS = 3_000;

interface Watch {
  /** RELAY lines bob heard (one per relayed transfer). */
  grants: number;
  /** Bob's downloads that sent punch probes. */
  punched: number;
  /** Bob's downloads and alice's uploads that ended. */
  downloads: TransferEnd[];
  uploads: TransferEnd[];
}

function watch(world: NatPeerWorld): Watch {
  const seen: Watch = { grants: 0, punched: 0, downloads: [], uploads: [] };
  world.bob.on('line', (line) => {
    if (line.startsWith('RELAY|')) seen.grants++;
  });
  world.bob.on('transfer-end', (end) => {
    seen.downloads.push(end);
    if ((end.nat?.probesSent ?? 0) > 0) seen.punched++;
  });
  world.alice.on('transfer-end', (end) => seen.uploads.push(end));
  return seen;
}

async function chunkedWorld(seed: number, relay?: { userQuotaBytes: number }) {
  return natPeerWorld('symmetric', 'symmetric', {
    seed,
    file: FILE,
    peer: { chunkBytes: CHUNK },
    ...(relay ? { relay } : {}),
  });
}

/** bob's chunked download of alice's file.bin; the virtual ms it took. */
async function download(world: NatPeerWorld) {
  const { clock } = world.hosts.server.platform;
  const started = clock.now();
  const result = await world.run(world.bob.getFile('alice', 'file.bin', { sources: 1 }));
  checkSame(world, result.path);
  return { result, ms: clock.now() - started };
}

function checkSame(world: NatPeerWorld, path: string): void {
  if (!world.hosts.bob.files.read(path).equals(FILE)) throw new Error('file differs');
}

function wait(world: NatPeerWorld, ms: number): Promise<void> {
  const { clock } = world.hosts.server.platform;
  return world.run(new Promise<void>((resolve) => clock.setTimeout(resolve, ms)));
}

test('a chunked download across two symmetric NATs punches once, then goes to the relay at once', async (t) => {
  const world = await chunkedWorld(21);
  const seen = watch(world);
  const { result, ms } = await download(world);
  const requests = seen.downloads.length;
  t.log(`${ms} ms of virtual time, ${requests} requests, ${seen.punched} punched`);
  // The premise: several requests (runs of chunks), each over the relay.
  t.true(requests >= 5, `${requests} requests`);
  t.is(result.sources[0]?.chunks, 16);
  t.true(seen.downloads.every((end) => end.route === 'relay' && end.error === undefined));
  t.is(seen.grants, requests, 'one relay grant per request');
  t.is(seen.punched, 1, 'only the first request punched');
  // The owner took each later grant while its own punch still ran: its uploads end on the relay.
  t.true(seen.uploads.every((end) => end.route === 'relay' && end.error === undefined));
  // One punch timeout in all (3 s) plus the transfers: before, one per request (5 × 3 s, ~16 s).
  t.true(ms < PUNCH_MS + 2_500, `${ms} ms of virtual time for ${requests} requests`);
  await world.close();
});

const later = test.macro({
  async exec(t: ExecutionContext, pauseMs: number, punchesAgain: boolean) {
    const world = await chunkedWorld(22);
    const seen = watch(world);
    await download(world);
    t.is(seen.punched, 1);
    await wait(world, pauseMs);
    const before = seen.punched;
    const { ms } = await download(world);
    t.is(seen.punched - before, punchesAgain ? 1 : 0);
    t.is(ms >= PUNCH_MS, punchesAgain, `${ms} ms`);
    await world.close();
  },
  title: (_, pauseMs: number, punchesAgain: boolean) =>
    `a download ${pauseMs / 1000} s later ${punchesAgain ? 'punches again (the memo expired)' : 'goes straight to the relay'}`,
});

test(later, 60_000, false);
test(later, RELAY_MEMO_MS + 1_000, true);

test('a transfer that fails through the relay clears the memo: the next request punches again', async (t) => {
  // Quota for the first download and a bit: the second one's relay is refused mid-way.
  const world = await chunkedWorld(23, { userQuotaBytes: FILE.length + 3 * CHUNK });
  const seen = watch(world);
  await download(world);
  t.is(seen.punched, 1);
  const first = seen.downloads.length;
  const error = await world
    .run(world.bob.getFile('alice', 'file.bin', { sources: 1 }))
    .catch((e: unknown) => e);
  const ends = seen.downloads.slice(first);
  const failed = ends.findIndex((end) => end.error !== undefined);
  const [refused, next] = ends.slice(failed);
  // The premise: a transfer through the relay failed (the quota ran out), without punching.
  t.truthy(error);
  t.true((world.service.relay?.stats.overQuota ?? 0) >= 1);
  t.is(refused?.error?.code, 'RELAY_REFUSED');
  t.is(refused?.route, 'relay');
  t.is(refused?.nat?.probesSent, 0, 'the memo sent it to the relay at once');
  // The download asks again: the memo is gone, so that request punches first.
  t.truthy(next, 'the download made another request');
  t.true((next?.nat?.probesSent ?? 0) > 0, 'the next request punched');
  await world.close();
});
