/**
 * Real loopback sockets: every host is its own node Platform on 127.0.0.1 with a private
 * scratch folder. Datagram impairments come from harness/impaired.ts, seeded per host, so
 * the same loss, duplication, reordering and corruption apply as on the simulator (timing
 * aside). Partitions, held packets, crashes and burst loss need the simulator; scenarios that
 * use them are not tagged `real`.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WhohasError } from '../impl/errors.ts';
import { createNodePlatform } from '../impl/platform/node.ts';
import type { Platform } from '../impl/platform/types.ts';
import { resolvePathConfig } from '../sim/index.ts';
import type { Backend, HostPlace, LinkSpec, WorldHost } from './backend.ts';
import { type ImpairedPlatform, type ImpairmentOptions, impairDatagrams } from './impaired.ts';

/**
 * A host whose datagram sockets come from whichever impairment is current when they are made
 * (each transfer makes its own), so a link can be impaired after the host's Peer exists.
 */
class RealHost implements WorldHost {
  readonly base = createNodePlatform();
  current: Platform = this.base;
  readonly platform: Platform;
  readonly address = '127.0.0.1';

  constructor(
    readonly name: string,
    private readonly root: string,
  ) {
    this.platform = {
      ...this.base,
      kind: 'node',
      dgram: { createSocket: (type) => this.current.dgram.createSocket(type) },
    };
  }

  dir(folder: string): string {
    return join(this.root, this.name, folder);
  }
}

/** The simulator's path spec as seeded datagram impairments; timing fields do not apply. */
function impairmentOf(link: LinkSpec, seed: string): ImpairmentOptions | undefined {
  const config = resolvePathConfig(link);
  if (config.burstLoss !== null) {
    throw new WhohasError('BAD_ARGUMENT', 'burst loss needs the simulator (--transport sim)');
  }
  if (config.loss + config.duplicate + config.reorder + config.corrupt === 0) return undefined;
  return {
    seed,
    loss: config.loss,
    duplicate: config.duplicate,
    reorder: { probability: config.reorder, extraDelayMs: config.reorderDelayMs },
    corrupt: config.corrupt,
  };
}

/** `impairments: false` leaves every datagram alone (the premise check of evidence.ts). */
export async function createRealBackend(
  seed: number | string,
  impairments = true,
): Promise<Backend> {
  const root = await mkdtemp(join(tmpdir(), `whohas-scenario-${seed}-`));
  const timers = new Set<NodeJS.Timeout>();
  /** Every impairment layer made, healed or not: their counters are the network's evidence. */
  const layers: ImpairedPlatform[] = [];

  const hosts: RealHost[] = [];
  const unsupported = (what: string): never => {
    throw new WhohasError('BAD_ARGUMENT', `${what} needs the simulator (--transport sim)`);
  };
  const impairHost = (host: WorldHost, link: LinkSpec) => {
    const real = host as RealHost;
    const options = impairments ? impairmentOf(link, `${seed}/${host.name}`) : undefined;
    if (options === undefined) {
      real.current = real.base;
      return;
    }
    const layer = impairDatagrams(real.base, options);
    layers.push(layer);
    real.current = layer;
  };

  return {
    kind: 'real',
    addHost(name: string, place?: HostPlace): WorldHost {
      if (place !== undefined) unsupported('a NAT');
      const host = new RealHost(name, root);
      hosts.push(host);
      return host;
    },
    // Impairment here is per sending host, not per path: fine for the two-peer scenarios
    // tagged `real`.
    impair(a: WorldHost, b: WorldHost, forward: LinkSpec, reverse: LinkSpec) {
      impairHost(a, forward);
      impairHost(b, reverse);
    },
    partition: () => unsupported('a partition'),
    hold: () => unsupported('holding packets'),
    release: () => unsupported('holding packets'),
    symlink: (_host, target, path) => symlink(target, path),
    crash: () => unsupported('a host crash'),
    restart: () => unsupported('a host restart'),
    healAll() {
      for (const host of hosts) host.current = host.base;
    },
    counters() {
      const sum = (pick: (layer: ImpairedPlatform) => number) =>
        layers.reduce((total, layer) => total + pick(layer), 0);
      return {
        'net.lost': sum((l) => l.impairment.dropped),
        'net.duplicated': sum((l) => l.impairment.duplicated),
        'net.corrupted': sum((l) => l.impairment.corrupted),
        'net.reordered': sum((l) => l.impairment.delayed),
      };
    },
    now: () => performance.now(),
    until<T>(promise: Promise<T>, deadline: number): Promise<T> {
      if (deadline === Number.POSITIVE_INFINITY) return promise;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            reject(new WhohasError('BUDGET_EXCEEDED', 'wall-clock budget exceeded'));
          },
          Math.max(0, deadline - performance.now()),
        );
        timers.add(timer);
        promise.then(
          (value) => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            timers.delete(timer);
            reject(error);
          },
        );
      });
    },
    async dispose() {
      for (const timer of timers) clearTimeout(timer);
      await rm(root, { recursive: true, force: true });
    },
  };
}
