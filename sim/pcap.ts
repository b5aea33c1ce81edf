import { ACK, type Packet, TCP, UDP } from './packet.ts';
import type { Capture } from './trace.ts';

/**
 * pcapng export: one Section Header, one Interface (LINKTYPE_RAW: each packet an IPv4 packet,
 * microsecond timestamps) and one Enhanced Packet Block per packet a host sent. IPv4, UDP and TCP
 * headers are synthesized from the simulated packet; the IPv4 header checksum is computed,
 * UDP/TCP checksums are left zero (UDP: "none"). Lengths are exact.
 *
 * The capture point is the sender: a packet is recorded once, when sent, and what the network
 * then did to it (dropped and why, corrupted, duplicated, reordered) is a packet comment
 * (opt_comment), shown by Wireshark in its "Packet comments" and by tshark as `frame.comment`.
 * A drop before any send (at a host) gets a packet of its own with the comment.
 *
 * Timestamps: the virtual clock starts at PCAP_EPOCH_MS, 2016-01-01T00:00:00Z (the 2016
 * report's year), so a capture's times read as "seconds since the simulation began" in any
 * tool that shows relative times, and never as 1970.
 */

export const PCAP_EPOCH_MS = Date.UTC(2016, 0, 1);

const LINKTYPE_RAW = 101;
const SNAPLEN = 65535;
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

export interface PcapngOptions {
  /** The section comment: what run this is (seed, scenario, point). */
  comment?: string;
}

export function writePcapng(captures: readonly Capture[], options: PcapngOptions = {}): Buffer {
  const sent: { time: number; packet: Packet; notes: string[] }[] = [];
  const index = new Map<Packet, number>();
  for (const capture of captures) {
    const event = capture.event ?? 'sent';
    if (event === 'sent') {
      index.set(capture.packet, sent.length);
      sent.push({ time: capture.time, packet: capture.packet, notes: [] });
      continue;
    }
    const note = describe(capture);
    const at = index.get(capture.packet);
    if (at === undefined) sent.push({ time: capture.time, packet: capture.packet, notes: [note] });
    else sent[at].notes.push(note);
  }
  const blocks = [
    block(
      SHB,
      Buffer.concat([shbBody(), ...option(SHB_USERAPPL, 'whohas simulator (sim/pcap.ts)')]),
      options.comment === undefined ? [] : [options.comment],
    ),
    block(IDB, idbBody()),
    ...sent.map(({ time, packet, notes }, id) => block(EPB, epbBody(time, packet, id), notes)),
  ];
  return Buffer.concat(blocks);
}

function describe(capture: Capture): string {
  switch (capture.event) {
    case 'dropped':
      return `whohas-sim: dropped (${capture.reason ?? 'unknown'}) at t=${capture.time.toFixed(3)} ms`;
    case 'corrupted':
      return `whohas-sim: corrupted in flight (one payload byte flipped; the receiver sees a bad CRC) at t=${capture.time.toFixed(3)} ms`;
    case 'duplicated':
      return `whohas-sim: duplicated in flight (delivered twice) at t=${capture.time.toFixed(3)} ms`;
    case 'reordered':
      return `whohas-sim: reordered (held back) at t=${capture.time.toFixed(3)} ms`;
    default:
      return `whohas-sim: ${capture.event} at t=${capture.time.toFixed(3)} ms`;
  }
}

/** A block: type, total length, body, options (one per comment, end), total length again. */
function block(type: number, body: Buffer, comments: string[] = []): Buffer {
  const options =
    comments.length === 0
      ? []
      : [...comments.flatMap((comment) => option(OPT_COMMENT, comment)), endOfOptions()];
  const withOptions = Buffer.concat([body, ...options]);
  const total = 12 + withOptions.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  withOptions.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

function option(code: number, value: string | Buffer): Buffer[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const head = Buffer.alloc(4);
  head.writeUInt16LE(code, 0);
  head.writeUInt16LE(bytes.length, 2);
  return [head, bytes, Buffer.alloc(pad(bytes.length))];
}

const endOfOptions = () => Buffer.alloc(4, OPT_END);
const pad = (length: number) => (4 - (length % 4)) % 4;

function shbBody(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeBigInt64LE(-1n, 8); // section length not given
  return body;
}

function idbBody(): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(LINKTYPE_RAW, 0);
  head.writeUInt32LE(SNAPLEN, 4);
  return Buffer.concat([
    head,
    ...option(IF_NAME, 'whohas-sim'),
    ...option(IF_TSRESOL, Buffer.from([6])),
    endOfOptions(),
  ]);
}

function epbBody(timeMs: number, packet: Packet, id: number): Buffer {
  const transport = packet.proto === UDP ? udpHeader(packet) : tcpHeader(packet);
  const ipLength = 20 + transport.length + packet.payload.length;
  const ip = ipv4Header(packet, ipLength, id);
  const included = Math.min(ipLength, SNAPLEN);
  const out = Buffer.alloc(20 + included + pad(included));
  const micros = BigInt(PCAP_EPOCH_MS) * 1000n + BigInt(Math.round(timeMs * 1000));
  out.writeUInt32LE(0, 0); // interface 0
  out.writeUInt32LE(Number(micros >> 32n), 4);
  out.writeUInt32LE(Number(micros & 0xffffffffn), 8);
  out.writeUInt32LE(included, 12);
  out.writeUInt32LE(ipLength, 16);
  ip.copy(out, 20);
  transport.copy(out, 20 + ip.length);
  packet.payload.copy(
    out,
    20 + ip.length + transport.length,
    0,
    included - ip.length - transport.length,
  );
  return out;
}

function ipv4Header(packet: Packet, totalLength: number, id: number): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(Math.min(totalLength, 0xffff), 2);
  ip.writeUInt16BE(id & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // don't fragment
  ip[8] = 64;
  ip[9] = packet.proto === TCP ? 6 : 17;
  writeAddress(ip, 12, packet.srcAddress);
  writeAddress(ip, 16, packet.dstAddress);
  ip.writeUInt16BE(checksum(ip), 10);
  return ip;
}

function udpHeader(packet: Packet): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(packet.srcPort, 0);
  udp.writeUInt16BE(packet.dstPort, 2);
  udp.writeUInt16BE(Math.min(8 + packet.payload.length, 0xffff), 4);
  return udp;
}

function tcpHeader(packet: Packet): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(packet.srcPort, 0);
  tcp.writeUInt16BE(packet.dstPort, 2);
  tcp.writeUInt32BE(packet.seq >>> 0, 4);
  tcp.writeUInt32BE(packet.flags & ACK ? packet.ackSeq >>> 0 : 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = packet.flags;
  tcp.writeUInt16BE(0xffff, 14);
  return tcp;
}

function writeAddress(buffer: Buffer, offset: number, address: string): void {
  const parts = address.split('.').map(Number);
  for (let i = 0; i < 4; i++) buffer[offset + i] = (parts[i] ?? 0) & 0xff;
}

function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
