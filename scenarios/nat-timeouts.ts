/**
 * The time-bound NAT faults of the `nat` family: a transfer that goes quiet longer than the NATs'
 * mapping timeout (the receiver's disk stalls, its window closes), and a NAT that reboots in the
 * middle of a transfer. In the quiet transfer both peers sit behind port-restricted NATs:
 * endpoint-independent mapping gives each socket exactly one mapping, so the transfer's mappings
 * are the ones made after the download began, and filtering admits only the other side's
 * endpoint.
 */
import { type DiskStall, stallingReads } from '../harness/disk-faults.ts';
import type { NatType } from '../sim/nat.ts';
import { invariant } from './invariants.ts';
import { impairNatPaths, longestQuiet, natPair, type Sent, watchSends } from './nat-swarm.ts';
import type { Attempt, Swarm } from './swarm.ts';
import type { ScenarioWorld } from './world.ts';
import { natBox, restartNat } from './world-nat.ts';

const NATS = ['nat-alice', 'nat-bob'];
export const CONES: NatType[] = ['full-cone', 'address-restricted', 'port-restricted'];
const NAT_TYPES: NatType[] = [...CONES, 'symmetric'];

/** Every live UDP mapping of the NATs as `nat inner→public port`. */
function udpMappings(world: ScenarioWorld): Map<string, string> {
  const live = new Map<string, string>();
  for (const name of NATS) {
    for (const m of natBox(world, name).mappings()) {
      if (m.proto === 'udp') live.set(`${name} ${m.inner}→${m.publicPort}`, m.inner);
    }
  }
  return live;
}

export interface QuietTransfer {
  outcome: Attempt;
  /** The longest time the transfer's sockets sent no transfer datagram during the stall. */
  quietMs: number;
  /** The longest time they sent nothing at all (keepalive probes included). */
  socketQuietMs: number;
  /** The transfer's mappings that were gone (expired, or re-made on another port) by the end. */
  lost: string[];
}

/**
 * alice downloads 400 kB from bob through NATs whose UDP mappings time out after
 * `mappingTimeoutMs` (no port preservation: an expired mapping cannot come back on its old port);
 * bob's disk stalls `stallMs` reading the file past 100 kB, so he has nothing to send and alice
 * nothing to acknowledge: the transfer goes quiet both ways. (A receiver's stalled disk does not:
 * the sender's persist probe and its answer cross the closed window every 2 s or less.) Records
 * `nat.quietMs` for the evidence.
 */
export async function quietTransfer(
  world: ScenarioWorld,
  { mappingTimeoutMs, stallMs }: { mappingTimeoutMs: number; stallMs: number },
): Promise<QuietTransfer> {
  // Armed once the download starts: bob's hashing of his share folder reads at full speed.
  const stall: DiskStall = { armed: false };
  const sent: Sent[] = [];
  const { swarm } = await natPair(world, {
    alice: 'port-restricted',
    bob: 'port-restricted',
    nat: { mappingTimeoutMs, portPreservation: false },
    bytes: 400_000,
    aliceOptions: { fault: (p) => watchSends(p, sent) },
    bobOptions: {
      fault: (p) => watchSends(stallingReads(p, { afterBytes: 100_000, ms: stallMs }, stall), sent),
    },
  });
  const before = udpMappings(world);
  stall.armed = true;
  const download = swarm.start('alice', 'bob', 'data.bin');
  await world.eventually(
    () => stall.startedAt !== undefined,
    () => "bob's disk never stalled",
  );
  const transfer = [...udpMappings(world)].filter(([key]) => !before.has(key));
  invariant(transfer.length === 2, `expected one transfer mapping a side: ${transfer.join('; ')}`);
  const ports = new Set(transfer.map(([, inner]) => Number(inner.split(':')[1])));
  const outcome = await world.until(download);
  const start = stall.startedAt ?? 0;
  const end = stall.endedAt ?? world.backend.now();
  const mine = (s: Sent) => ports.has(s.port);
  const quietMs = longestQuiet(sent, (s) => mine(s) && s.kind === 'data', start, end);
  world.natNotes['nat.quietMs'] = Math.round(quietMs);
  const live = udpMappings(world);
  return {
    outcome,
    quietMs,
    socketQuietMs: longestQuiet(sent, mine, start, end),
    lost: transfer.map(([key]) => key).filter((key) => !live.has(key)),
  };
}

/**
 * alice downloads 600 kB from bob, both behind NATs of one type (drawn from the seed among
 * `sites`: the cones punch a direct path, symmetric NATs go through the relay), and alice's NAT
 * reboots while the
 * data flows (after her 20th acknowledgment): every mapping is gone, the chat connection's too.
 * With port preservation her next outbound datagram (an ACK, a relay frame, or a keepalive probe
 * within 15 s) makes a mapping on the same port again; without, it comes back on another port.
 */
export async function restartMidTransfer(
  world: ScenarioWorld,
  { portPreservation, sites = NAT_TYPES }: { portPreservation: boolean; sites?: NatType[] },
): Promise<{ swarm: Swarm; outcome: Attempt; site: NatType }> {
  const site = sites[Math.floor(world.random() * sites.length)];
  const sent: Sent[] = [];
  const { swarm } = await natPair(world, {
    alice: site,
    bob: site,
    nat: { portPreservation },
    bytes: 600_000,
    aliceOptions: { fault: (p) => watchSends(p, sent) },
  });
  // The scenario's link (4 Mbit/s) keeps the transfer going for about 1.2 s.
  impairNatPaths(world);
  const acks = () => sent.filter((s) => s.kind === 'data').length;
  const download = swarm.start('alice', 'bob', 'data.bin');
  // Data flows both ways once alice acknowledges: both punches (or relay binds) are done.
  await world.eventually(
    () => acks() >= 20,
    () => `alice sent ${acks()} acknowledgments`,
    1,
  );
  await world.sleep(Math.floor(world.random() * 500));
  const box = natBox(world, 'nat-alice');
  const filtered = box.stats.filteredInbound;
  restartNat(world, 'nat-alice');
  const outcome = await world.until(download);
  // What the reboot cost: bob's datagrams that found no mapping (0 when alice's next ACK left
  // before bob's next datagram arrived and, with port preservation, made the same mapping).
  world.natNotes['nat.filteredAfterRestart'] = box.stats.filteredInbound - filtered;
  return { swarm, outcome, site };
}
