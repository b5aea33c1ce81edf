/**
 * Sealed transfers between peers (docs/PROTOCOL.md, "Sealed transfers"): files arrive intact
 * over sealed datagrams, unsealed requests are refused, a user name that comes with another key
 * is caught (the squat of "Murphy's law, proven" inside one room incarnation, which room ids
 * cannot see), and a reflection by an on-path sniffer fails. Each attack runs first without
 * keys, where it succeeds: that is its premise.
 */
import test, { type ExecutionContext } from 'ava';
import { decodePacket, encodeAck, type Scheme } from '../../impl/arq/codec.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { Peer, type RoomPins, type TransferEnd } from '../../impl/peer/index.ts';
import { encodeFileMessage } from '../../impl/peer/messages.ts';
import { requesterOffer } from '../../impl/seal/agreement.ts';
import { keyPairFromSeed } from '../../impl/seal/keys.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

/** A fixed identity per user (tests only; a peer makes its own from its platform). */
const identityOf = (n: number) => keyPairFromSeed('ed25519', Buffer.alloc(32, n));

function memoryPins(): RoomPins & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (key) => map.get(key),
    set: async (key, id) => {
      map.set(key, id);
    },
  };
}

const sealedDownload = test.macro({
  async exec(t, arq: Scheme) {
    const data = patternBytes(400_000, 8);
    const world = await buildWorld({
      t,
      seed: 21,
      peers: [
        { name: 'alice', files: { data }, options: { identity: identityOf(1) } },
        { name: 'bob', options: { identity: identityOf(2), keyPins: memoryPins() } },
      ],
      peerDefaults: { arq },
    });
    const uploaded = new Promise<TransferEnd>((resolve) =>
      world.peer('alice').once('transfer-end', resolve),
    );
    const result = await world.run(world.peer('bob').getFile('alice', 'data'));
    t.true(world.host('bob').files.read(result.path).equals(data));
    const upload = await world.run(uploaded);
    t.truthy(upload.seal, 'the upload was sealed');
    t.true(upload.seal!.sealed >= 400_000 / 2048);
    t.is(upload.seal!.rejected, 0);
    await world.close();
  },
  title: (_ = '', arq: Scheme) => `${arq}: a sealed download delivers the file intact`,
});
test(sealedDownload, 'gbn');
test(sealedDownload, 'sr');

test('a sealed owner refuses a getfile without a seal: SEAL_REQUIRED', async (t) => {
  const world = await buildWorld({
    t,
    seed: 22,
    peers: [{ name: 'alice', files: { data: 'x' }, options: { identity: identityOf(1) } }, 'bob'],
  });
  const error = await t.throwsAsync(world.run(world.peer('bob').getFile('alice', 'data')));
  t.true(isWhohasError(error, 'ALL_RESPONDERS_FAILED'));
  t.regex(error!.message, /SEAL_REQUIRED/);
  t.deepEqual(world.listFiles('bob'), []);
  await world.close();
});

test('a requester with a key refuses an owner that answers in clear: SEAL_REQUIRED, no file', async (t) => {
  const world = await buildWorld({
    t,
    seed: 25,
    peers: [
      { name: 'alice', files: { data: 'x' } },
      { name: 'bob', options: { identity: identityOf(2) } },
    ],
  });
  const error = await t.throwsAsync(world.run(world.peer('bob').getFile('alice', 'data')));
  t.true(isWhohasError(error, 'ALL_RESPONDERS_FAILED'));
  t.regex(error!.message, /SEAL_REQUIRED/);
  t.deepEqual(world.listFiles('bob'), []);
  await world.close();
});

/**
 * alice leaves a public room that carol keeps alive; mallory logs in as alice and shares a
 * trojan under the same name. With keys, bob pinned alice's key on his first download.
 */
async function squat(t: ExecutionContext, keys: boolean) {
  const pins = memoryPins();
  const bobOptions = keys ? { identity: identityOf(2), keyPins: pins } : {};
  const world = await buildWorld({
    t,
    seed: 23,
    room: 'team',
    peers: [
      'carol',
      {
        name: 'alice',
        files: { 'report.pdf': 'the real report' },
        options: keys ? { identity: identityOf(1) } : {},
      },
      { name: 'bob', options: bobOptions },
    ],
  });
  const bob = world.peer('bob');
  const first = await world.run(bob.getFile('alice', 'report.pdf'));
  t.is(world.host('bob').files.read(first.path).toString(), 'the real report');
  await world.run(world.peer('alice').close());
  const malloryHost = world.sim.addHost('mallory');
  malloryHost.files.mkdir('/home/mallory/alice');
  malloryHost.files.write('/home/mallory/alice/report.pdf', 'MZ trojan');
  const mallory = new Peer({
    platform: malloryHost.platform,
    name: 'alice',
    server: world.serverAddress,
    folder: '/home/mallory/alice',
    ...(keys ? { identity: identityOf(66) } : {}),
  });
  await world.run(mallory.connect());
  await world.run(mallory.join('team'));
  const second = await world.run(
    bob.getFile('alice', 'report.pdf').then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
  );
  const files = world.listFiles('bob');
  await world.run(mallory.close());
  await world.close();
  return { second, files, pins };
}

test('user-name squat in a living room: without keys bob fetches the trojan (the premise); with keys PEER_KEY_CHANGED and no file', async (t) => {
  const plain = await squat(t, false);
  t.true('result' in plain.second, 'without keys the squatter serves bob');
  t.is(plain.files.length, 2, 'the trojan landed beside the genuine file');

  const keyed = await squat(t, true);
  t.is(keyed.pins.map.size, 1, "alice's key was pinned on the first download");
  t.true('error' in keyed.second);
  const error = (keyed.second as { error: Error }).error;
  t.true(isWhohasError(error, 'ALL_RESPONDERS_FAILED'), String(error));
  t.regex(error.message, /PEER_KEY_CHANGED/);
  t.deepEqual(keyed.files, ['report.pdf'], 'no second file, no partial file');
});

/**
 * Reflection by mallory with a sniffer beside the victim: mallory's getfile names the victim's
 * address, and the sniffer echoes whatever token START shows. In clear that opens the flow of
 * DATA to the victim (the premise); sealed, START is unreadable, and the forged ACKs are
 * refused and counted by the owner's sealed socket.
 */
async function reflect(t: ExecutionContext, sealed: boolean) {
  const world = await buildWorld({
    t,
    seed: 24,
    peers: [
      {
        name: 'bob',
        files: { data: patternBytes(300_000, 4) },
        options: sealed ? { identity: identityOf(1) } : {},
      },
      'mallory',
    ],
  });
  const victimHost = world.sim.addHost('victim');
  const victim = victimHost.platform.dgram.createSocket();
  const { port } = await world.run(victim.bind(0));
  const transferId = 77;
  let data = 0;
  victim.on('message', (msg: Buffer, rinfo: { port: number; address: string }) => {
    const packet = decodePacket(msg);
    if (packet.kind === 'invalid') {
      // A sealed START does not decode: the sniffer can only guess.
      victim.send(encodeAck(transferId, 1, 0n, 16), rinfo.port, rinfo.address);
      return;
    }
    if (packet.kind === 'data') data++;
    if (packet.kind !== 'start') return;
    const ack = encodeAck(transferId, (packet.seq + 1) >>> 0, packet.token, 16);
    victim.send(ack, rinfo.port, rinfo.address);
  });
  const ended = new Promise<TransferEnd>((resolve) =>
    world.peer('bob').once('transfer-end', resolve),
  );
  const context = { requester: 'mallory', owner: 'bob', file: 'data', transferId };
  const seal = sealed
    ? requesterOffer(identityOf(66), world.host('mallory').platform.random, context).offer
    : undefined;
  const request = encodeFileMessage({
    kind: 'getfile',
    file: 'data',
    address: victimHost.address,
    port,
    transferId,
    window: 16,
    packetSize: 2048,
    arq: 'gbn',
    ...(seal ? { seal } : {}),
  });
  await world.run(world.peer('mallory').send(`@bob|${request}`));
  const end = await world.run(ended);
  await world.close();
  return { data, end };
}

test('reflection with a sniffer at the victim: in clear the echoed token draws DATA (the premise); sealed, no DATA and the forged ACKs are counted', async (t) => {
  const plain = await reflect(t, false);
  t.true(plain.data >= 16, `in clear the victim received ${plain.data} DATA datagrams`);
  const sealed = await reflect(t, true);
  t.is(sealed.data, 0, 'sealed: nothing the victim could read as DATA');
  t.is(sealed.end.error?.code, 'TRANSFER_TIMEOUT');
  t.true((sealed.end.seal?.rejected ?? 0) >= 1, 'the forged ACKs were refused and counted');
  t.is(sealed.end.seal?.opened, 0);
});

test('sealed transfers stay deterministic: the same seed gives the same trace hash, another seed another', async (t) => {
  const hashOf = async (seed: number) => {
    const world = await buildWorld({
      seed,
      peers: [
        {
          name: 'alice',
          files: { data: patternBytes(100_000, 2) },
          options: { identity: identityOf(1) },
        },
        { name: 'bob', options: { identity: identityOf(2) } },
      ],
    });
    await world.run(world.peer('bob').getFile('alice', 'data'));
    const hash = world.sim.traceHash();
    await world.close();
    return hash;
  };
  const first = await hashOf(31);
  t.is(await hashOf(31), first);
  t.not(await hashOf(32), first);
});
