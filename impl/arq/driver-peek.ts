/**
 * Looks at a datagram before its core does, for what only the driver needs: where START put the
 * sequence space, and whether a FIN is coming (the driver holds it until the data is on file).
 */
import { decodePacket, PacketType, WIRE_VERSION } from './codec.ts';

export function startSequence(msg: Buffer): number | undefined {
  const start = decodePacket(msg);
  return start.kind === 'start' ? start.seq : undefined;
}

/** A cheap look at the header: the core still checks the CRC and everything else. */
export function isFin(msg: Buffer): boolean {
  return msg.length > 1 && msg[0] === WIRE_VERSION && msg[1] === PacketType.FIN;
}
