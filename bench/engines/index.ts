/** Picks the engine for a transport and engine name. */
import { WhohasError } from '../../impl/errors.ts';
import type { Engine, SweepTransport } from '../sweep/spec.ts';
import { SimGbnEngine } from './sim-gbn.ts';
import { SimPeerEngine } from './sim-peer.ts';
import type { TransferEngine } from './types.ts';
import { UdpGbnEngine } from './udp-gbn.ts';
import { UdpPeerEngine } from './udp-peer.ts';

export function createEngine(transport: SweepTransport, engine: Engine): TransferEngine {
  if (transport === 'sim' && engine === 'gbn') return new SimGbnEngine();
  if (transport === 'udp' && engine === 'gbn') return new UdpGbnEngine();
  if (transport === 'sim' && engine === 'peer') return new SimPeerEngine();
  if (transport === 'udp' && engine === 'peer') return new UdpPeerEngine();
  throw new WhohasError('BAD_ARGUMENT', `unknown engine ${engine} for transport ${transport}`);
}
