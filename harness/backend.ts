/**
 * What a world needs from the network underneath it: hosts with a Platform each, impaired
 * paths between them, and a way to wait for a promise within a time budget. The simulator and
 * real loopback sockets both provide it (backend-sim.ts, backend-real.ts); world.ts builds on it.
 */
import type { Platform } from '../impl/platform/types.ts';
import type { PathConfig, ProfileName } from '../sim/index.ts';
import type { NatOptions } from '../sim/nat.ts';

/** Which network a world runs on: the simulator, or real sockets on loopback. */
export type BackendKind = 'sim' | 'real';

/** Per-direction impairments of a path: the simulator's own path configuration. */
export type LinkSpec = ProfileName | PathConfig;

/**
 * The link between two hosts: a named simulator profile, one spec for both directions, or one
 * spec per direction (`forward` is a→b, `reverse` is b→a).
 */
export type LinkProfile = LinkSpec | { forward: LinkSpec; reverse: LinkSpec };

export interface WorldHost {
  readonly name: string;
  readonly platform: Platform;
  /** The address other hosts reach this one at. */
  readonly address: string;
  /** A folder path on this host's file store, e.g. `dir('share')`. */
  dir(name: string): string;
}

/**
 * Where a new host sits, on the simulator only (sim/nat.ts): a NAT box itself (`nat`), or a
 * host on the private side of a NAT box added before (`behind`, its name). Default: in public.
 */
export type HostPlace = { nat: NatOptions } | { behind: string };

export interface Backend {
  readonly kind: BackendKind;
  addHost(name: string, place?: HostPlace): WorldHost;
  /** Impairs the datagram path a→b (and b→a with `reverse`). */
  impair(a: WorldHost, b: WorldHost, forward: LinkSpec, reverse: LinkSpec): void;
  partition(a: WorldHost, b: WorldHost): void;
  /** Both directions between a and b keep every packet until `release`, then send them in order. */
  hold(a: WorldHost, b: WorldHost): void;
  release(a: WorldHost, b: WorldHost): void;
  /** Makes a symbolic link on the host's file store (fixtures only). */
  symlink(host: WorldHost, target: string, path: string): Promise<void>;
  crash(host: WorldHost): void;
  restart(host: WorldHost): void;
  /** Removes every impairment and partition (crashed hosts stay down). */
  healAll(): void;
  /**
   * What the network did to traffic so far (`net.lost`, `net.duplicated`, `net.corrupted`,
   * `net.reordered`, and on the simulator also `net.partitioned`, `net.stalled`,
   * `net.queueDrops`): the evidence a fault scenario must leave (evidence.ts).
   */
  counters(): Record<string, number>;
  /** Milliseconds on this backend's clock (virtual on the simulator). */
  now(): number;
  /**
   * Settles with `promise`, running the network meanwhile; rejects with BUDGET_EXCEEDED once
   * `deadline` (on `now()`'s clock) passes first.
   */
  until<T>(promise: Promise<T>, deadline: number): Promise<T>;
  dispose(): Promise<void>;
}
