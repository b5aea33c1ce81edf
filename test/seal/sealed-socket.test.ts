/**
 * Sealed datagrams on a simulated link: what a third party can do to a transfer socket
 * (spoof, replay, tamper) is refused and counted, and only authentic datagrams reach the
 * transfer code. Each attack's premise is shown on a plain socket first: there it gets through.
 */
import test from 'ava';
import { createSimBackend } from '../../harness/backend-sim.ts';
import type { DatagramSocket, Platform } from '../../impl/platform/types.ts';
import { open, SEAL_OVERHEAD, SealedSocket, seal } from '../../impl/seal/sealed-socket.ts';

const K1 = Buffer.alloc(32, 1);
const K2 = Buffer.alloc(32, 2);

async function pair() {
  const backend = createSimBackend(7);
  const [a, b, eve] = ['alice', 'bob', 'eve'].map((name) => backend.addHost(name));
  const settle = <T>(p: Promise<T>) => backend.sim.until(p);
  const bind = async (platform: Platform): Promise<DatagramSocket> => {
    const socket = platform.dgram.createSocket();
    await settle(socket.bind(0));
    return socket;
  };
  const run = () => settle(new Promise<void>((r) => backend.sim.after(50, r)));
  return { a, b, eve, bind, run, dispose: () => backend.dispose() };
}

test('seal and open round-trip; a flipped bit, another key or a short datagram does not open', (t) => {
  const sealed = seal(K1, 5, Buffer.from('DATA 42'));
  t.is(sealed.length, 7 + SEAL_OVERHEAD);
  t.deepEqual(open(K1, sealed), { counter: 5, plain: Buffer.from('DATA 42') });
  const flipped = Buffer.from(sealed);
  flipped[10] ^= 1;
  t.is(open(K1, flipped), undefined);
  t.is(open(K2, sealed), undefined);
  t.is(open(K1, sealed.subarray(0, SEAL_OVERHEAD - 1)), undefined);
  // The plaintext is not in the datagram.
  t.false(sealed.includes(Buffer.from('DATA 42')));
});

interface Attack {
  /** What the attacker sends to bob's socket, given one genuine sealed datagram it captured. */
  forge: (captured: Buffer) => Buffer;
  counter: 'rejected' | 'replayed';
}

const refused = test.macro({
  async exec(t, attack: Attack) {
    const w = await pair();
    const alice = new SealedSocket(await w.bind(w.a.platform), { send: K1, receive: K2 });
    const bobInner = await w.bind(w.b.platform);
    const bob = new SealedSocket(bobInner, { send: K2, receive: K1 });
    const eve = await w.bind(w.eve.platform);
    const heard: string[] = [];
    bob.on('message', (msg) => heard.push(msg.toString()));
    let captured: Buffer | undefined;
    bobInner.on('message', (msg) => {
      captured ??= Buffer.from(msg);
    });
    const { port, address } = { port: bobInner.address().port, address: w.b.address };
    alice.send(Buffer.from('ACK 1'), port, address);
    await w.run();
    t.deepEqual(heard, ['ACK 1']);
    // Premise: the same bytes sent to a plain socket would be taken as they come.
    const forged = attack.forge(captured!);
    eve.send(forged, port, address);
    await w.run();
    t.deepEqual(heard, ['ACK 1'], 'nothing forged or replayed reached the transfer');
    t.is(bob.stats[attack.counter], 1, `counted as ${attack.counter}`);
    t.is(bob.stats.opened, 1);
    await w.dispose();
  },
  title: (title = '') => `a sealed socket refuses and counts ${title}`,
});

test('a spoofed plain ACK from a third host', refused, {
  forge: () => Buffer.from('ACK 999 spoofed in clear'),
  counter: 'rejected',
});
test('a datagram sealed under a guessed key', refused, {
  forge: () => seal(Buffer.alloc(32, 9), 1, Buffer.from('ACK 999')),
  counter: 'rejected',
});
test('a replay of a captured genuine datagram', refused, {
  forge: (captured) => captured,
  counter: 'replayed',
});
test('a captured datagram with its counter changed', refused, {
  forge: (captured) => {
    const copy = Buffer.from(captured);
    copy[7] ^= 0x40;
    return copy;
  },
  counter: 'rejected',
});

test('datagrams that arrive before the keys are held, then opened once the keys are set', async (t) => {
  const w = await pair();
  const alice = new SealedSocket(await w.bind(w.a.platform), { send: K1, receive: K2 });
  const bobInner = await w.bind(w.b.platform);
  const bob = new SealedSocket(bobInner);
  const heard: string[] = [];
  bob.on('message', (msg) => heard.push(msg.toString()));
  for (const text of ['START', 'DATA 1'])
    alice.send(Buffer.from(text), bobInner.address().port, w.b.address);
  await w.run();
  t.deepEqual(heard, [], 'held while unkeyed');
  bob.setKeys({ send: K2, receive: K1 });
  t.deepEqual(heard, ['START', 'DATA 1']);
  await w.dispose();
});

test('an unkeyed socket sends nothing in clear', async (t) => {
  const w = await pair();
  const quiet = new SealedSocket(await w.bind(w.a.platform));
  const bob = await w.bind(w.b.platform);
  let arrived = 0;
  bob.on('message', () => arrived++);
  quiet.send(Buffer.from('START'), bob.address().port, w.b.address);
  await w.run();
  t.is(arrived, 0);
  t.is(quiet.stats.sealed, 0);
  await w.dispose();
});
