/**
 * The owner's upload slots against requests it cannot trust: getfile names any address and port,
 * so an upload holds a slot only once the requester echoed START's token (proof it receives
 * there), and a victim named in a forged getfile never receives data, even under blind ACKs.
 */
import test, { type ExecutionContext } from 'ava';
import { decodePacket, encodeAck, type Scheme } from '../../impl/arq/codec.ts';
import type { TransferEnd } from '../../impl/peer/index.ts';
import { VALIDATION_MS } from '../../impl/peer/uploads.ts';
import type { DatagramSocket } from '../../impl/platform/types.ts';
import { buildWorld, type PeerWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const sleep = (world: PeerWorld, ms: number) =>
  world.run(new Promise<void>((resolve) => world.sim.after(ms, resolve)));

/** Counts what arrives on a socket, by packet kind. */
function tally(socket: DatagramSocket): Map<string, number> {
  const kinds = new Map<string, number>();
  socket.on('message', (msg: Buffer) => {
    const packet = decodePacket(msg);
    kinds.set(packet.kind, (kinds.get(packet.kind) ?? 0) + 1);
  });
  return kinds;
}

const silentPortsHoldNoSlot = test.macro({
  async exec(t, arq: Scheme) {
    const data = patternBytes(300_000, 3);
    const world = await buildWorld({
      t,
      seed: 5,
      peers: [{ name: 'bob', files: { data }, options: { parallel: 2 } }, 'mallory', 'carol'],
      peerDefaults: { arq },
    });
    const bob = world.peer('bob');
    const ends: TransferEnd[] = [];
    bob.on('transfer-end', (end) => ends.push(end));
    const mallory = world.host('mallory');
    const silent = mallory.platform.dgram.createSocket();
    const { port } = await world.run(silent.bind(0));
    const startedAt = world.sim.now;
    for (const id of [1, 2]) {
      await world.run(
        world
          .peer('mallory')
          .send(`@bob|getfile|data|${mallory.address}|${port}|${id}|16|2048|${arq}`),
      );
    }
    await sleep(world, 300);
    t.is(bob.uploads.length, 2, 'both forged requests are running, unproven');
    // Before the fix both held a slot until the sender gave up (28.7 s): SLOTS_FULL for carol.
    const result = await world.run(world.peer('carol').getFile('bob', 'data'));
    t.deepEqual(result.failures, []);
    t.true(world.host('carol').files.read(result.path).equals(data));
    await sleep(world, VALIDATION_MS);
    const forged = ends.filter((end) => end.user === 'mallory');
    t.deepEqual(
      forged.map((end) => end.error?.code),
      ['TRANSFER_TIMEOUT', 'TRANSFER_TIMEOUT'],
    );
    t.true(world.sim.now - startedAt < VALIDATION_MS + 1_000, 'dropped at the validation deadline');
    t.is(bob.uploads.length, 0);
    await world.close();
  },
  title: (_ = '', arq: Scheme) =>
    `${arq}: getfile lines naming a silent port hold no upload slot; a real requester gets the file`,
});
test(silentPortsHoldNoSlot, 'gbn');
test(silentPortsHoldNoSlot, 'sr');

/**
 * A getfile naming a victim's address and port, then ACKs "from" the victim (the simulator
 * cannot spoof a source, so they leave the victim's own socket, which is what spoofing yields).
 * `sniffed`: the forger read START (impossible off-path) and echoes its token: the control
 * showing that the ACK path would otherwise open the flood.
 */
/**
 * What the forger of the victim's ACKs knows: everything START said (the control), the ISN but
 * not the token (the token alone must stop it), or nothing (blind).
 */
type Forger = 'sniffed' | 'isn-only' | 'blind';

async function reflect(t: ExecutionContext, arq: Scheme, forger: Forger) {
  const data = patternBytes(300_000, 4);
  const world = await buildWorld({
    t,
    seed: 9,
    peers: [{ name: 'bob', files: { data } }, 'mallory'],
    peerDefaults: { arq },
  });
  const victimHost = world.sim.addHost('victim');
  const victim = victimHost.platform.dgram.createSocket();
  const { port } = await world.run(victim.bind(0));
  const kinds = tally(victim);
  const transferId = 77;
  victim.on('message', (msg: Buffer, rinfo: { port: number; address: string }) => {
    const packet = decodePacket(msg);
    if (packet.kind !== 'start') return;
    const next = (packet.seq + 1) >>> 0;
    const acks =
      forger === 'sniffed'
        ? [encodeAck(transferId, next, packet.token, 16)]
        : forger === 'isn-only'
          ? [encodeAck(transferId, next, packet.token ^ 0x5eedn, 16)]
          : Array.from({ length: 64 }, (_, seq) => encodeAck(transferId, seq, 0x5eedn, 16));
    for (const ack of acks) victim.send(ack, rinfo.port, rinfo.address);
  });
  const ended = new Promise<TransferEnd>((resolve) =>
    world.peer('bob').once('transfer-end', resolve),
  );
  await world.run(
    world
      .peer('mallory')
      .send(`@bob|getfile|data|${victimHost.address}|${port}|${transferId}|16|2048|${arq}`),
  );
  const end = await world.run(ended);
  await world.close();
  return { kinds, end };
}

test('reflection: ACKs forged from the victim without the token draw no DATA, even knowing the ISN; with the sniffed token they would', async (t) => {
  for (const arq of ['gbn', 'sr'] as const) {
    const control = await reflect(t, arq, 'sniffed');
    t.true((control.kinds.get('data') ?? 0) >= 16, `${arq}: an echoed token opens the flow`);
    for (const forger of ['isn-only', 'blind'] as const) {
      const forged = await reflect(t, arq, forger);
      t.is(forged.kinds.get('data') ?? 0, 0, `${arq}, ${forger}: the victim received no DATA`);
      // One START per backed-off timeout (200 ms doubling to 2 s) until the validation deadline.
      t.true((forged.kinds.get('start') ?? 0) <= 18, `${arq}, ${forger}: only a few STARTs`);
      t.is(forged.end.error?.code, 'TRANSFER_TIMEOUT');
    }
  }
});
