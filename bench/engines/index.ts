/** Picks the engine for a transport and engine name. */
import { WhohasError } from '../../impl/errors.ts';
import type { Engine, Transport } from '../sweep/spec.ts';
import { SimGbnEngine } from './sim-gbn.ts';
import type { TransferEngine } from './types.ts';
import { UdpGbnEngine } from './udp-gbn.ts';

export function createEngine(transport: Transport, engine: Engine): TransferEngine {
  if (transport === 'sim' && engine === 'gbn') return new SimGbnEngine();
  if (transport === 'udp' && engine === 'gbn') return new UdpGbnEngine();
  throw new WhohasError('BAD_ARGUMENT', `no ${engine} engine for the ${transport} transport yet`);
}
