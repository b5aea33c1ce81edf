/**
 * Platform fixtures: the same test body runs on the real Node platform and on the simulator,
 * two hosts of a harness backend (harness/backend-*.ts). A PlatformPair holds two platforms that
 * can reach each other, a scratch folder, and `settle`, which drives whatever must run for a
 * promise to settle (nothing on Node, the event loop on the sim).
 */
import { mkdir } from 'node:fs/promises';
import test, { type ExecutionContext } from 'ava';
import { createRealBackend } from '../../harness/backend-real.ts';
import { createSimBackend } from '../../harness/backend-sim.ts';
import type { Emitter, Listeners, Platform } from '../../impl/platform/types.ts';

export interface PlatformPair {
  a: Platform;
  b: Platform;
  /** The address at which the other platform reaches `p`'s servers and sockets. */
  addressOf(p: Platform): string;
  /** Resolves with `p` once it settles, running the simulator meanwhile where there is one. */
  settle<T>(p: Promise<T>): Promise<T>;
  /** A scratch folder on `a`'s file store, existing and empty. */
  tmpDir: string;
  /** Makes a symbolic link on `a`'s file store, where the fixture can. */
  symlink?: (target: string, linkPath: string) => Promise<void>;
  teardown(): Promise<void>;
}

export interface PlatformFixture {
  name: 'node' | 'sim';
  setup(): Promise<PlatformPair>;
}

export const nodeFixture: PlatformFixture = {
  name: 'node',
  async setup() {
    // The harness's real backend: a node Platform per host and a scratch folder removed after.
    const backend = await createRealBackend('parity', false);
    const [alice, bob] = [backend.addHost('alice'), backend.addHost('bob')];
    const tmpDir = alice.dir('scratch');
    await mkdir(tmpDir, { recursive: true });
    return {
      a: alice.platform,
      b: bob.platform,
      // Real sockets in tests live on loopback only.
      addressOf: () => alice.address,
      settle: (p) => p,
      tmpDir,
      symlink: (target, linkPath) => backend.symlink(alice, target, linkPath),
      teardown: () => backend.dispose(),
    };
  },
};

/** Seed of the simulator fixture; a failing sim test replays exactly under the same seed. */
export const SIM_FIXTURE_SEED = 1;

export const simFixture: PlatformFixture = {
  name: 'sim',
  async setup() {
    const backend = createSimBackend(SIM_FIXTURE_SEED);
    const { sim } = backend;
    const [alice, bob] = [backend.addHost('alice'), backend.addHost('bob')];
    sim.host('alice').files.mkdir('/scratch');
    return {
      a: alice.platform,
      b: bob.platform,
      addressOf(p) {
        if (p === alice.platform) return alice.address;
        if (p === bob.platform) return bob.address;
        throw new Error('addressOf: not a platform of this world');
      },
      settle: (p) => sim.until(p),
      tmpDir: '/scratch',
      symlink: (target, linkPath) => backend.symlink(alice, target, linkPath),
      teardown: () => backend.dispose(),
    };
  },
};

export const platformFixtures: PlatformFixture[] = [nodeFixture, simFixture];

/** The arguments of the next `event` on `emitter`. */
export function nextEvent<E extends Listeners, K extends keyof E & string>(
  emitter: Emitter<E>,
  event: K,
): Promise<Parameters<E[K]>> {
  return new Promise((resolve) => {
    const listener = ((...args: Parameters<E[K]>) => {
      resolve(args);
    }) as E[K];
    emitter.once(event, listener);
  });
}

export type ParityBody = (t: ExecutionContext, world: PlatformPair) => Promise<void>;

/**
 * Runs `body` in a fresh world of the fixture; on the simulator the whole body runs inside
 * `settle`, so every await in it advances virtual time as needed.
 */
export const parity = test.macro({
  async exec(t, fixture: PlatformFixture, body: ParityBody) {
    const world = await fixture.setup();
    try {
      await world.settle(body(t, world));
    } finally {
      await world.teardown();
    }
  },
  title: (behaviour = '', fixture: PlatformFixture) =>
    `${fixture.name === 'sim' ? `sim (seed ${SIM_FIXTURE_SEED})` : fixture.name}: ${behaviour}`,
});

/** Registers one test per platform fixture for each behaviour in the table. */
export function parityTests(behaviours: Record<string, ParityBody>): void {
  for (const fixture of platformFixtures) {
    for (const [behaviour, body] of Object.entries(behaviours))
      test(behaviour, parity, fixture, body);
  }
}

/** `length` deterministic bytes that differ with `seed` and never repeat with a short period. */
export function patternBytes(length: number, seed = 0): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
