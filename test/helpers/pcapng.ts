/**
 * A reader for the pcapng files the simulator writes (tests only): every block's lengths are
 * checked on the way, so a writer bug shows as a throw here, independently of Wireshark.
 */
export interface PcapngPacket {
  /** Microseconds since 1970 (the interface's if_tsresol is 6). */
  micros: bigint;
  captured: number;
  original: number;
  data: Buffer;
  comments: string[];
}

export interface Pcapng {
  linkType: number;
  sectionComments: string[];
  packets: PcapngPacket[];
}

function options(bytes: Buffer, from: number, to: number): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let at = from;
  while (at + 4 <= to) {
    const code = bytes.readUInt16LE(at);
    const length = bytes.readUInt16LE(at + 2);
    if (code === 0) break;
    out.set(code, [...(out.get(code) ?? []), bytes.subarray(at + 4, at + 4 + length)]);
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  return out;
}

export function parsePcapng(bytes: Buffer): Pcapng {
  const result: Pcapng = { linkType: -1, sectionComments: [], packets: [] };
  let at = 0;
  while (at < bytes.length) {
    const type = bytes.readUInt32LE(at);
    const total = bytes.readUInt32LE(at + 4);
    if (total % 4 !== 0 || bytes.readUInt32LE(at + total - 4) !== total) {
      throw new Error(`block at ${at}: bad total length ${total}`);
    }
    const end = at + total - 4;
    if (type === 0x0a0d0d0a) {
      if (bytes.readUInt32LE(at + 8) !== 0x1a2b3c4d) throw new Error('bad byte-order magic');
      const comments = options(bytes, at + 24, end).get(1) ?? [];
      result.sectionComments.push(...comments.map(String));
    } else if (type === 1) {
      result.linkType = bytes.readUInt16LE(at + 8);
    } else if (type === 6) {
      const high = BigInt(bytes.readUInt32LE(at + 12));
      const low = BigInt(bytes.readUInt32LE(at + 16));
      const captured = bytes.readUInt32LE(at + 20);
      const original = bytes.readUInt32LE(at + 24);
      const dataEnd = at + 28 + captured;
      const padded = dataEnd + ((4 - (captured % 4)) % 4);
      result.packets.push({
        micros: (high << 32n) | low,
        captured,
        original,
        data: bytes.subarray(at + 28, dataEnd),
        comments: (options(bytes, padded, end).get(1) ?? []).map(String),
      });
    } else throw new Error(`unexpected block type ${type}`);
    at += total;
  }
  return result;
}
