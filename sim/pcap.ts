import { ACK, type Packet, TCP, UDP } from './packet.ts';
import type { Capture } from './trace.ts';

/**
 * pcap export (classic libpcap format, microsecond timestamps, LINKTYPE_RAW: each record is an
 * IPv4 packet). IPv4, UDP and TCP headers are synthesized from the simulated packet; the IPv4
 * header checksum is computed, UDP/TCP checksums are left zero (UDP: "none"). Lengths are exact.
 */

const LINKTYPE_RAW = 101;
const SNAPLEN = 65535;

export function writePcap(captures: readonly Capture[]): Buffer {
  const records = captures.map(({ time, packet }, index) => record(time, packet, index));
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(SNAPLEN, 16);
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  return Buffer.concat([header, ...records]);
}

function record(timeMs: number, packet: Packet, id: number): Buffer {
  const transport = packet.proto === UDP ? udpHeader(packet) : tcpHeader(packet);
  const ipLength = 20 + transport.length + packet.payload.length;
  const ip = ipv4Header(packet, ipLength, id);
  const included = Math.min(ipLength, SNAPLEN);
  const out = Buffer.alloc(16 + included);
  const micros = Math.round(timeMs * 1000);
  out.writeUInt32LE(Math.floor(micros / 1e6), 0);
  out.writeUInt32LE(micros % 1e6, 4);
  out.writeUInt32LE(included, 8);
  out.writeUInt32LE(ipLength, 12);
  ip.copy(out, 16);
  transport.copy(out, 16 + ip.length);
  packet.payload.copy(
    out,
    16 + ip.length + transport.length,
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
