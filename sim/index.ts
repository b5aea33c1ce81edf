/** The deterministic network simulator: see sim/README.md and docs/ARCHITECTURE.md. */
export type { SimDatagramSocket } from './dgram.ts';
export { type EventHandler, EventQueue, type SimEvent } from './event-queue.ts';
export { type HostFiles, type HostOptions, SimHost } from './host.ts';
export {
  type NatBehaviour,
  type NatMapping,
  type NatOptions,
  NatStats,
  type NatType,
  SimNat,
} from './nat.ts';
export { CONNECT_TIMEOUT_MS } from './net.ts';
export {
  type Packet,
  TCP_OVERHEAD,
  UDP_OVERHEAD,
} from './packet.ts';
export { Path, PathStats } from './path.ts';
export {
  type BurstLoss,
  type Jitter,
  type PathConfig,
  type ProfileName,
  parseBandwidth,
  profiles,
  type ResolvedPathConfig,
  resolvePathConfig,
} from './profiles.ts';
export type { QueueSpec } from './queue.ts';
export { type Carrier, Route, Router, type TopologyNode } from './routing.ts';
export {
  type LinkSpec,
  type NodeRef,
  Simulator,
  type SimulatorOptions,
} from './simulator.ts';
export { HIGH_WATER_MARK, MSS, RECEIVE_WINDOW } from './stream.ts';
export type {
  DropReason,
  TraceCounters,
  TraceEvent,
  TraceRecord,
} from './trace.ts';
