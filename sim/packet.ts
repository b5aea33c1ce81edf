/** What travels on a simulated path: a datagram or a stream segment, with its wire size. */

export const UDP = 17;
export const TCP = 6;

/** IPv4 (20) + UDP (8) header bytes, counted on the wire and against the MTU. */
export const UDP_OVERHEAD = 28;
/** IPv4 (20) + TCP (20) header bytes. */
export const TCP_OVERHEAD = 40;

/** TCP flag bits, as in the TCP header. */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** The host-side receiver of a packet (SimHost implements it). */
export interface PacketSink {
  readonly index: number;
  readonly address: string;
  receive(packet: Packet): void;
}

export interface Packet {
  proto: typeof UDP | typeof TCP;
  from: PacketSink;
  to: PacketSink;
  /** Addresses as the endpoints see them (127.0.0.1 on loopback). */
  srcAddress: string;
  dstAddress: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  /** Payload plus synthesized headers: what bandwidth, queues and the MTU count. */
  wireSize: number;
  /**
   * Stream segments only: TCP flags, sequence and acknowledgment numbers (as in a real header,
   * for the trace and pcap), and `ack`, the bytes the receiver consumed: the window credit.
   */
  flags: number;
  seq: number;
  ackSeq: number;
  ack: number;
  /** Stream segments only: the receiving endpoint, once the connection exists. */
  target: unknown;
}

export function datagram(
  from: PacketSink,
  to: PacketSink,
  srcAddress: string,
  dstAddress: string,
  srcPort: number,
  dstPort: number,
  payload: Buffer,
): Packet {
  return {
    proto: UDP,
    from,
    to,
    srcAddress,
    dstAddress,
    srcPort,
    dstPort,
    payload,
    wireSize: payload.length + UDP_OVERHEAD,
    flags: 0,
    seq: 0,
    ackSeq: 0,
    ack: 0,
    target: null,
  };
}

export function cloneWithPayload(packet: Packet, payload: Buffer): Packet {
  return { ...packet, payload };
}
