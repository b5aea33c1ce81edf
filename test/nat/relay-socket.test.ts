/**
 * A peer's relay socket once bound: it binds again every 15 s and after 1 s without a frame from
 * the relay (so a NAT that forgot the mapping makes a new one, and the relay re-points that
 * side), and it reports a refusal after binding once. Packet-exact on a hand-driven clock and
 * socket: (time, frame in) → (time, frames out). Then, in the simulator, a symmetric NAT that
 * reboots mid-transfer: the keepalive heals the path, and without it the transfer times out.
 */
import test from 'ava';
import { TransferReceiver, TransferSender } from '../../impl/arq/index.ts';
import { isWhohasError, type WhohasError } from '../../impl/errors.ts';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  RelayKind,
  RelayServer,
} from '../../impl/nat/relay.ts';
import { type RelayKeepalive, RelaySocket } from '../../impl/nat/relay-socket.ts';
import { TypedEmitter } from '../../impl/platform/emitter.ts';
import type {
  AddressInfo,
  Clock,
  DatagramSocket,
  DatagramSocketEvents,
  TimerHandle,
} from '../../impl/platform/types.ts';
import { Simulator } from '../../sim/index.ts';

const TOKEN = Buffer.from('a1b2c3d4e5f60718', 'hex');
const RELAY = { address: '198.51.100.1', port: 7000 };
const KIND_NAMES = ['', 'BIND', 'BOUND', 'DATA', 'REFUSED'];

/** A clock that moves only when told: every timer fires at its exact time. */
class HandClock implements Clock {
  time = 0;
  #timers: Array<{ at: number; callback: () => void }> = [];
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number): TimerHandle => {
    const timer = { at: this.time + ms, callback };
    this.#timers.push(timer);
    return timer as unknown as TimerHandle;
  };
  clearTimeout = (handle: TimerHandle | undefined): void => {
    this.#timers = this.#timers.filter((t) => t !== (handle as unknown));
  };
  defer = (callback: () => void): void => {
    this.setTimeout(callback, 0);
  };
  advanceTo(at: number): void {
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= at).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = at;
  }
}

/** The transfer socket underneath: records each datagram sent as "time KIND". */
class HandSocket extends TypedEmitter<DatagramSocketEvents> implements DatagramSocket {
  readonly sent: string[] = [];
  constructor(readonly clock: HandClock) {
    super();
  }
  bind = (): Promise<AddressInfo> => Promise.resolve(this.address());
  address = (): AddressInfo => ({ address: '10.0.0.2', port: 41000 });
  send(msg: Uint8Array): void {
    const frame = decodeRelayFrame(Buffer.from(msg));
    this.sent.push(`${this.clock.time} ${KIND_NAMES[frame?.kind ?? 0]}`);
  }
  /** A frame from the relay arrives. */
  hear(kind: number, payload?: string): void {
    const frame = { kind, transferId: 0, token: TOKEN, side: 0 as const };
    const bytes = encodeRelayFrame(frame, payload === undefined ? undefined : Buffer.from(payload));
    this.emit('message', bytes, { ...RELAY, size: bytes.length });
  }
  setRecvBufferSize(): void {}
  setSendBufferSize(): void {}
  close = (): Promise<void> => Promise.resolve();
}

/** Transfer id 0 throughout: a relay frame carries it like any other. */
async function boundAt10(keepalive: Partial<RelayKeepalive> = {}) {
  const clock = new HandClock();
  const inner = new HandSocket(clock);
  const relay = new RelaySocket(
    inner,
    { server: RELAY, transferId: 0, token: TOKEN, side: 0 },
    keepalive,
  );
  const bound = relay.bindRelay(clock);
  clock.advanceTo(10);
  inner.hear(RelayKind.BOUND);
  await bound;
  return { clock, inner, relay };
}

type Step = [at: number, kind: number];

const schedule = test.macro(async (t, steps: Step[], until: number, expected: string[]) => {
  const { clock, inner } = await boundAt10();
  for (const [at, kind] of steps) {
    clock.advanceTo(at);
    inner.hear(kind);
  }
  clock.advanceTo(until);
  t.deepEqual(inner.sent, expected);
});

test('a silent relay: one BIND a second from the last BOUND or BIND', schedule, [], 3_500, [
  '0 BIND',
  '1010 BIND',
  '2010 BIND',
  '3010 BIND',
]);

const busy: Step[] = Array.from({ length: 310 }, (_, i) => [100 * (i + 1), RelayKind.DATA]);
test(
  'a busy relay (a frame every 100 ms): a BIND only every 15 s, the keepalive',
  schedule,
  busy,
  31_000,
  ['0 BIND', '15010 BIND', '30010 BIND'],
);

test(
  'each BOUND answer counts as a frame heard: the next quiet BIND is 1 s after it',
  schedule,
  [
    [1_015, RelayKind.BOUND],
    [2_115, RelayKind.BOUND],
  ],
  3_200,
  ['0 BIND', '1010 BIND', '2015 BIND', '3115 BIND'],
);

test(
  'the relay goes quiet at 5 s mid-transfer: the first BIND 1 s after its last frame',
  schedule,
  busy.slice(0, 50),
  6_500,
  ['0 BIND', '6000 BIND'],
);

test('a REFUSED after binding is reported once, with its reason, and the BINDs stop', async (t) => {
  const { clock, inner, relay } = await boundAt10();
  const refusals: WhohasError[] = [];
  relay.onRefused((error) => refusals.push(error));
  clock.advanceTo(500);
  inner.hear(RelayKind.REFUSED, 'relay quota used up');
  inner.hear(RelayKind.REFUSED, 'relay quota used up');
  clock.advanceTo(20_000);
  t.is(refusals.length, 1);
  t.true(isWhohasError(refusals[0], 'RELAY_REFUSED'));
  t.is(refusals[0].message, 'relay quota used up');
  t.deepEqual(inner.sent, ['0 BIND'], 'no BIND after the refusal');
  // A listener that registers late still hears of it.
  const late: WhohasError[] = [];
  relay.onRefused((error) => late.push(error));
  t.is(late.length, 1);
});

test('closing the relay socket stops its BINDs', async (t) => {
  const { clock, inner, relay } = await boundAt10();
  clock.advanceTo(1_500);
  await relay.close();
  clock.advanceTo(40_000);
  t.deepEqual(inner.sent, ['0 BIND', '1010 BIND']);
});

/** Healing on (the defaults) or off (BINDs too rare to matter within the transfer). */
const reboot = test.macro(async (t, keepalive: Partial<RelayKeepalive>, heals: boolean) => {
  const sim = new Simulator({ seed: 11 });
  const server = sim.addHost('server');
  const nats = ['alice', 'bob'].map((name) => sim.addNat(`nat-${name}`, { type: 'symmetric' }));
  const hosts = ['alice', 'bob'].map((name, i) => sim.addHost(name, { behind: nats[i] }));
  const serverSocket = server.platform.dgram.createSocket();
  await sim.until(serverSocket.bind(RELAY.port));
  const relay = new RelayServer(serverSocket, server.platform.clock);
  let rebootedAt = -1;
  serverSocket.on('message', (msg, rinfo) => {
    relay.handle(msg, rinfo);
    // Alice's NAT goes down for 100 ms as a frame leaves for her once a quarter of the file
    // crossed: what is in flight either way is lost, the frames after meet no mapping, and
    // she has nothing to acknowledge.
    if (
      rebootedAt < 0 &&
      relay.stats.bytesRelayed >= 100_000 &&
      rinfo.address !== nats[0].address
    ) {
      rebootedAt = sim.now;
      nats[0].crash();
      server.platform.clock.setTimeout(() => nats[0].restart(), 100);
    }
  });
  const relayAt = { address: server.address, port: RELAY.port };
  relay.grant(0, TOKEN, 'alice', 'bob');
  const sockets = await sim.until(
    Promise.all(
      hosts.map(async (host, side) => {
        const inner = host.platform.dgram.createSocket();
        await inner.bind(41000);
        const binding = { server: relayAt, transferId: 0, token: TOKEN, side: side as 0 | 1 };
        const socket = new RelaySocket(inner, binding, keepalive);
        await socket.bindRelay(host.platform.clock);
        return socket;
      }),
    ),
  );
  const [alice, bob] = hosts;
  const data = Buffer.alloc(400_000, 7);
  bob.files.write('/share/file.bin', data);
  alice.files.mkdir('/downloads');
  const file = await sim.until(bob.platform.fs.openRead('/share/file.bin'));
  const receiver = new TransferReceiver({
    platform: alice.platform,
    socket: sockets[0],
    peerAddress: relayAt.address,
    transferId: 0,
    dir: '/downloads',
    name: 'file.bin',
    options: { window: 16, lingerMs: 100 },
  });
  const sender = new TransferSender({
    platform: bob.platform,
    socket: sockets[1],
    peer: relayAt,
    transferId: 0,
    file,
    options: { window: 16 },
  });
  const outcome = await sim.until(
    Promise.all([receiver.done, sender.done]).then(
      ([{ path }]) => alice.files.read(path).equals(data),
      (error: unknown) => error as WhohasError,
    ),
  );
  t.true(rebootedAt > 0, 'the NAT rebooted mid-transfer');
  t.true(nats[0].stats.filteredInbound > 0, 'the reboot filtered the relay frames to alice');
  if (heals) t.true(outcome === true, `the transfer failed: ${String(outcome)}`);
  else t.true(isWhohasError(outcome, 'TRANSFER_TIMEOUT'), `ended with ${String(outcome)}`);
});

test(
  'a symmetric NAT reboots mid-transfer over the relay: the quiet-spell BIND re-makes the mapping, the file arrives intact',
  reboot,
  {},
  true,
);

test(
  'the premise: without the relay keepalive the same reboot ends the transfer with TRANSFER_TIMEOUT',
  reboot,
  { quietMs: 1e9, keepaliveMs: 1e9 },
  false,
);
