/**
 * The simulator as a world's network: deterministic from the seed, virtual time, and every
 * fault (impairments, partitions, crashes) available. Impairments apply on top of the `lan`
 * profile unless a spec names another.
 */
import { WhohasError } from '../impl/errors.ts';
import type { PathConfig, ProfileName, SimHost, SimulatorOptions } from '../sim/index.ts';
import { Simulator } from '../sim/index.ts';
import { SimNat } from '../sim/nat.ts';
import type { Backend, HostPlace, LinkSpec, WorldHost } from './backend.ts';

function onLan(spec: LinkSpec): ProfileName | PathConfig {
  return typeof spec === 'string' || spec.profile !== undefined
    ? spec
    : { profile: 'lan', ...spec };
}

/**
 * `options.maxTimeMs`: the whole run's virtual-time budget (a hang stops there).
 * `impairments: false` builds the simulator with impairments switched off (the premise check of
 * scenarios/evidence.ts).
 */
export function createSimBackend(
  seed: number | string,
  options: Omit<SimulatorOptions, 'seed' | 'impairments'> = {},
  impairments = true,
): Backend & { readonly sim: Simulator } {
  const sim = new Simulator({ ...options, seed, impairments });
  const hosts = new Map<WorldHost, SimHost>();
  const impaired: Array<[SimHost, SimHost]> = [];
  const partitioned: Array<[SimHost, SimHost]> = [];
  const simHost = (host: WorldHost) => hosts.get(host) as SimHost;
  const natNamed = (name: string) => {
    const nat = sim.host(name);
    if (!(nat instanceof SimNat)) throw new WhohasError('BAD_ARGUMENT', `${name} is not a NAT`);
    return nat;
  };

  return {
    kind: 'sim',
    sim,
    addHost(name: string, place?: HostPlace): WorldHost {
      const host =
        place === undefined
          ? sim.addHost(name)
          : 'nat' in place
            ? sim.addNat(name, place.nat)
            : sim.addHost(name, { behind: natNamed(place.behind) });
      const world: WorldHost = {
        name,
        platform: host.platform,
        address: host.address,
        dir: (folder) => `/${folder}`,
      };
      hosts.set(world, host);
      return world;
    },
    impair(a, b, forward, reverse) {
      sim.connect(simHost(a), simHost(b), onLan(forward), onLan(reverse));
      impaired.push([simHost(a), simHost(b)]);
    },
    partition(a, b) {
      sim.partition(simHost(a), simHost(b));
      partitioned.push([simHost(a), simHost(b)]);
    },
    hold: (a, b) => sim.hold(simHost(a), simHost(b)),
    release: (a, b) => sim.release(simHost(a), simHost(b)),
    async symlink(host, target, path) {
      simHost(host).files.symlink(target, path);
    },
    crash: (host) => simHost(host).crash(),
    restart: (host) => simHost(host).restart(),
    healAll() {
      for (const [a, b] of impaired.splice(0)) sim.connect(a, b, 'lan');
      for (const [a, b] of partitioned.splice(0)) sim.heal(a, b);
    },
    counters() {
      const sum = { lost: 0, duplicated: 0, corrupted: 0, reordered: 0 };
      const more = { partitionDropped: 0, stalled: 0, queueDropped: 0 };
      for (const { stats } of sim.allPaths()) {
        for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += stats[key];
        for (const key of Object.keys(more) as Array<keyof typeof more>) more[key] += stats[key];
      }
      return {
        'net.lost': sum.lost,
        'net.duplicated': sum.duplicated,
        'net.corrupted': sum.corrupted,
        'net.reordered': sum.reordered,
        'net.partitioned': more.partitionDropped,
        'net.stalled': more.stalled,
        'net.queueDrops': more.queueDropped,
      };
    },
    now: () => sim.now,
    async until<T>(promise: Promise<T>, deadline: number): Promise<T> {
      // No timer event for the deadline: an extra event would let the clock jump to it while
      // continuations are still settling. The simulator's own maxTimeMs bounds a hang; the
      // phase deadline is judged once the promise settles.
      const outcome = await sim.until(promise).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      if (sim.now > deadline) {
        throw new WhohasError(
          'BUDGET_EXCEEDED',
          `virtual-time budget exceeded: settled at ${sim.now.toFixed(0)} ms, deadline ${deadline.toFixed(0)} ms (seed ${seed})`,
        );
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },
    async dispose() {},
  };
}
