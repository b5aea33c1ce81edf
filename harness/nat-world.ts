/**
 * Two peers, each behind a simulated NAT of a given type (or none), a STUN server in public:
 * both learn their reflexive address, exchange candidates and punch (impl/nat/punch.ts). Used
 * by test/nat/punch.test.ts and bench/nat-matrix.ts.
 */
import { BindingResponder, discoverReflexive } from '../impl/nat/binding.ts';
import { type Candidate, HolePunch } from '../impl/nat/punch.ts';
import { Simulator } from '../sim/index.ts';
import type { NatType } from '../sim/nat.ts';

export type Site = NatType | 'none';
export const SITES: Site[] = [
  'none',
  'full-cone',
  'address-restricted',
  'port-restricted',
  'symmetric',
];
const STUN_PORT = 7000;
const PEER_PORT = 41000;

export async function punchAcross(left: Site, right: Site, seed = 1) {
  const sim = new Simulator({ seed });
  const server = sim.addHost('server');
  const hosts = [left, right].map((site, index) => {
    const name = index === 0 ? 'alice' : 'bob';
    if (site === 'none') return sim.addHost(name);
    const nat = sim.addNat(`nat-${name}`, { type: site });
    return sim.addHost(name, { behind: nat });
  });
  const serverSocket = server.platform.dgram.createSocket();
  await sim.until(serverSocket.bind(STUN_PORT));
  const responder = new BindingResponder(serverSocket);
  const sockets = hosts.map((host) => host.platform.dgram.createSocket());
  await sim.until(Promise.all(sockets.map((socket) => socket.bind(PEER_PORT))));
  const candidates: Candidate[][] = [];
  for (const [index, host] of hosts.entries()) {
    const reflexive = await sim.until(
      discoverReflexive(
        sockets[index],
        { address: server.address, port: STUN_PORT },
        host.platform,
      ),
    );
    candidates.push([
      { address: host.address, port: PEER_PORT, kind: 'host' },
      { address: reflexive.address, port: reflexive.port, kind: 'reflexive' },
    ]);
  }
  const token = Buffer.from('0123456789abcdef', 'hex');
  const punches = hosts.map(
    (host, index) =>
      new HolePunch(sockets[index], candidates[1 - index], host.platform, { transferId: 9, token }),
  );
  const outcomes = await sim.until(Promise.allSettled(punches.map((punch) => punch.done)));
  for (const punch of punches) punch.close();
  return { sim, hosts, candidates, punches, outcomes, responder };
}
