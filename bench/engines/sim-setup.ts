/** The simulated network of a bare Go-Back-N point (sim-gbn.ts; sim-peer.ts uses the harness world). */
import { type SimHost, Simulator } from '../../sim/index.ts';
import { pointPaths } from '../sweep/paths.ts';
import type { PointSpec } from '../sweep/spec.ts';

/**
 * A simulator on the point's seed with `names` as hosts, added in this order (addresses follow
 * it); the point's path joins `sender` and `receiver`, data flowing from sender to receiver.
 */
export function pointSimulator<const Names extends readonly string[]>(
  point: PointSpec,
  names: Names,
  sender: Names[number],
  receiver: Names[number],
): { sim: Simulator; hosts: Record<Names[number], SimHost> } {
  const paths = pointPaths(point);
  const sim = new Simulator({ seed: point.seed });
  const hosts = {} as Record<Names[number], SimHost>;
  for (const name of names) hosts[name as Names[number]] = sim.addHost(name);
  sim.connect(hosts[sender], hosts[receiver], paths.data, paths.ack);
  return { sim, hosts };
}
