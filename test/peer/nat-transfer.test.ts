/**
 * Whole peers across simulated NATs (harness/nat-world.ts): alice shares, bob downloads, each
 * behind a NAT of every type or none. Every pair's file arrives byte-identical, directly where hole
 * punching can join the two NATs and through the server's relay where it cannot; a transfer that
 * cannot be made ends in bounded time with its code and no partial file.
 */
import test, { type ExecutionContext } from 'ava';
import {
  type NatPeerWorld,
  natPeerWorld,
  punchable,
  SITES,
  type Site,
} from '../../harness/nat-world.ts';
import type { WhohasError } from '../../impl/errors.ts';
import { encodeProbe } from '../../impl/nat/punch.ts';
import type { TransferEnd } from '../../impl/peer/index.ts';

/** Resolves with alice's upload end (the owner ends once it heard the final ACK). */
function uploadEnd(world: NatPeerWorld): Promise<TransferEnd> {
  return new Promise((resolve) => world.alice.once('transfer-end', resolve));
}

/** The code a failed download ends with: the one its only responder failed with. */
function failureCode(error: unknown): string | undefined {
  const failures = (error as WhohasError).cause as Array<{ error: WhohasError }> | undefined;
  return Array.isArray(failures) ? failures[0]?.error.code : (error as WhohasError).code;
}

function leftovers(world: NatPeerWorld): string[] {
  return world.hosts.bob.files.list(world.folderOf('bob')).map((entry) => entry.name);
}

const matrix = test.macro({
  async exec(t: ExecutionContext, left: Site, right: Site) {
    const world = await natPeerWorld(left, right, { seed: 11 });
    // The premise: each side learned a reflexive address, which differs from its own behind a NAT.
    t.truthy(world.alice.reflexive);
    t.truthy(world.bob.reflexive);
    if (right !== 'none') t.not(world.bob.reflexive?.address, world.hosts.bob.address);
    const uploaded = uploadEnd(world);
    const result = await world.run(world.bob.getFile('alice', 'file.bin'));
    const upload = await world.run(uploaded);
    t.true(world.hosts.bob.files.read(result.path).equals(Buffer.from(world.file)));
    const route = punchable(left, right) ? 'direct' : 'relay';
    t.is(result.route, route);
    t.is(upload.route, route);
    t.is(upload.error, undefined);
    t.is(result.pair?.kind === 'relay', route === 'relay');
    t.truthy(result.pair, 'the requester names its pair however short the transfer');
    t.truthy(upload.pair);
    if (route === 'relay') t.is(result.pair?.remote, `${world.hosts.server.address}:50000`);
    t.is(upload.nat?.strangers, 0);
    await world.close();
  },
  title: (_, left: Site, right: Site) =>
    `bob behind ${right} downloads from alice behind ${left}: ${punchable(left, right) ? 'direct' : 'through the relay'}, byte-identical`,
});

for (const left of SITES) for (const right of SITES) test(matrix, left, right);

test('the old behaviour (no candidates) cannot cross two cone NATs: TRANSFER_TIMEOUT, no file', async (t) => {
  // Both peers with NAT traversal off send getfile with their private address, as before.
  const world = await natPeerWorld('full-cone', 'full-cone', {
    seed: 3,
    nat: { alice: false, bob: false },
  });
  t.is(world.bob.reflexive, undefined);
  const error = await world.run(world.bob.getFile('alice', 'file.bin')).catch((e: unknown) => e);
  t.is(failureCode(error), 'TRANSFER_TIMEOUT');
  t.deepEqual(leftovers(world), []);
  await world.close();
});

test('no relay on the server: the symmetric pair fails with RELAY_REFUSED in bounded time, no partial file', async (t) => {
  const world = await natPeerWorld('symmetric', 'symmetric', { seed: 4, relay: false });
  const { clock } = world.hosts.server.platform;
  // The owner gives up too, waiting a bounded time for a relay, and tells bob why.
  const ownerGaveUp = new Promise<number>((resolve) =>
    world.bob.on('line', (line) => {
      if (/^#alice\|refused\|file\.bin\|\d+\|NAT_TRAVERSAL_FAILED\|/.test(line))
        resolve(clock.now());
    }),
  );
  const started = clock.now();
  const error = await world.run(world.bob.getFile('alice', 'file.bin')).catch((e: unknown) => e);
  t.is(failureCode(error), 'RELAY_REFUSED');
  // Punching (3 s) and the server's refusal: well within 10 s of virtual time.
  t.true(clock.now() - started < 10_000, `${clock.now() - started} ms`);
  const ownerMs = (await world.run(ownerGaveUp)) - started;
  t.true(ownerMs < 15_000, `the owner gave up after ${ownerMs} ms`);
  t.deepEqual(leftovers(world), []);
  await world.close();
});

test('a requester without relay fails with NAT_TRAVERSAL_FAILED when punching cannot work', async (t) => {
  const world = await natPeerWorld('symmetric', 'port-restricted', {
    seed: 5,
    nat: { bob: { stun: 'server', relay: false, punchMs: 1_000 } },
  });
  const error = await world.run(world.bob.getFile('alice', 'file.bin')).catch((e: unknown) => e);
  t.is(failureCode(error), 'NAT_TRAVERSAL_FAILED');
  t.deepEqual(leftovers(world), []);
  await world.close();
});

test("a stranger's probes with a wrong token are counted and never answered", async (t) => {
  const world = await natPeerWorld('none', 'none', { seed: 6 });
  const mallory = world.sim.addHost('mallory');
  const socket = mallory.platform.dgram.createSocket();
  await world.run(socket.bind(4000));
  let answers = 0;
  socket.on('message', () => answers++);
  let sent = 0;
  // Once bob hears alice's candidates, mallory probes them with the right id, a wrong token.
  world.bob.on('line', (line) => {
    const sending = /\|sending\|file\.bin\|(\d+)\|.*cand=h-([\d.]+)-(\d+)/.exec(line);
    if (!sending) return;
    const probe = encodeProbe(1, Number(sending[1]), Buffer.alloc(8, 0x66));
    for (let i = 0; i < 5; i++) {
      socket.send(probe, Number(sending[3]), sending[2]);
      sent++;
    }
  });
  const uploaded = uploadEnd(world);
  const result = await world.run(world.bob.getFile('alice', 'file.bin'));
  const upload = await world.run(uploaded);
  t.is(sent, 5, 'mallory probed (the premise)');
  t.true(world.hosts.bob.files.read(result.path).equals(Buffer.from(world.file)));
  t.is(upload.nat?.strangers, 5);
  t.is(answers, 0);
  await world.close();
});

test('an owner with NAT traversal off still serves a requester that sends candidates', async (t) => {
  const world = await natPeerWorld('none', 'none', { seed: 7, nat: { alice: false } });
  const getfiles: string[] = [];
  world.alice.on('line', (line) => {
    if (line.includes('|getfile|')) getfiles.push(line);
  });
  const result = await world.run(world.bob.getFile('alice', 'file.bin'));
  // The premise: bob's getfile carried candidates and a token, which alice ignored.
  t.regex(getfiles[0] ?? '', /\|cand=h-[\d.]+-\d+\|punch=[0-9a-f]{16}$/);
  t.true(world.hosts.bob.files.read(result.path).equals(Buffer.from(world.file)));
  // Legacy answer (no candidates): direct, with no punched pair to report.
  t.is(result.route, 'direct');
  t.is(result.pair, undefined);
  await world.close();
});

test('a STUN server that does not answer leaves NAT traversal off: the legacy path, no error', async (t) => {
  // Nobody listens on UDP port 9 of the server's host.
  const world = await natPeerWorld('none', 'none', {
    seed: 8,
    nat: { bob: { stun: { address: '10.0.0.1', port: 9 } } },
  });
  const getfiles: string[] = [];
  world.alice.on('line', (line) => {
    if (line.includes('|getfile|')) getfiles.push(line);
  });
  t.is(world.hosts.server.address, '10.0.0.1');
  t.is(world.bob.reflexive, undefined);
  const result = await world.run(world.bob.getFile('alice', 'file.bin'));
  t.true(world.hosts.bob.files.read(result.path).equals(Buffer.from(world.file)));
  t.is(getfiles.length, 1);
  t.false(getfiles[0].includes('cand='));
  t.is(result.route, undefined);
  await world.close();
});
