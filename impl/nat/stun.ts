/**
 * STUN Binding (RFC 8489), the part a rendezvous needs: a Binding request, and a success
 * response carrying the address and port the server saw (XOR-MAPPED-ADDRESS). Pure: bytes in,
 * bytes out. Classic RFC 3489 clients (no magic cookie, a 16-byte transaction id) get
 * MAPPED-ADDRESS as RFC 8489 §12 asks, so old tools such as Debian's `stun` work too.
 *
 * Header: type (2) | length (2, attributes only, a multiple of 4) | magic cookie 0x2112A442 (4) |
 * transaction id (12). Attributes: type (2) | length (2) | value, padded to 4 bytes.
 */
import { crc32 } from 'node:zlib';

export const MAGIC_COOKIE = 0x2112a442;
export const BINDING_REQUEST = 0x0001;
export const BINDING_SUCCESS = 0x0101;
const HEADER_BYTES = 20;
const ATTR_MAPPED_ADDRESS = 0x0001;
const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
const ATTR_SOFTWARE = 0x8022;
const ATTR_FINGERPRINT = 0x8028;
const FINGERPRINT_XOR = 0x5354554e;
const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;

export interface StunMessage {
  type: number;
  /** 12 bytes (RFC 8489), or 16 for a classic RFC 3489 message (no magic cookie). */
  transactionId: Buffer;
  /** False for a classic RFC 3489 message. */
  cookie: boolean;
  /** XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS where there is no XOR form. */
  mapped?: { address: string; port: number };
}

export type StunDecode = { ok: true; message: StunMessage } | { ok: false; reason: string };

/** Cheap test before decoding: could these bytes be STUN at all (first two bits zero, length). */
export function looksLikeStun(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_BYTES || (bytes[0] & 0xc0) !== 0) return false;
  const length = (bytes[2] << 8) | bytes[3];
  return length % 4 === 0 && HEADER_BYTES + length === bytes.length;
}

export function encodeBindingRequest(transactionId: Uint8Array): Buffer {
  if (transactionId.length !== 12) throw new RangeError('a transaction id is 12 bytes');
  return withFingerprint(header(BINDING_REQUEST, Buffer.from(transactionId), true), []);
}

/** The answer to `request` from a client seen at `address`:`port`. */
export function encodeBindingSuccess(
  request: StunMessage,
  seen: { address: string; port: number },
  software = 'whohas',
): Buffer {
  const attributes: Buffer[] = [];
  if (request.cookie) {
    attributes.push(attribute(ATTR_XOR_MAPPED_ADDRESS, xorAddress(seen, request.transactionId)));
    attributes.push(attribute(ATTR_SOFTWARE, Buffer.from(software, 'utf8')));
    return withFingerprint(header(BINDING_SUCCESS, request.transactionId, true), attributes);
  }
  attributes.push(attribute(ATTR_MAPPED_ADDRESS, plainAddress(seen)));
  return assemble(header(BINDING_SUCCESS, request.transactionId, false), attributes);
}

export function decodeStun(bytes: Uint8Array): StunDecode {
  if (!looksLikeStun(bytes)) return { ok: false, reason: 'not a STUN message' };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const type = buffer.readUInt16BE(0);
  const cookie = buffer.readUInt32BE(4) === MAGIC_COOKIE;
  const transactionId = Buffer.from(buffer.subarray(cookie ? 8 : 4, HEADER_BYTES));
  const message: StunMessage = { type, transactionId, cookie };
  for (let offset = HEADER_BYTES; offset < buffer.length; ) {
    if (offset + 4 > buffer.length) return { ok: false, reason: 'truncated attribute header' };
    const attrType = buffer.readUInt16BE(offset);
    const length = buffer.readUInt16BE(offset + 2);
    const valueStart = offset + 4;
    if (valueStart + length > buffer.length) return { ok: false, reason: 'attribute past the end' };
    const value = buffer.subarray(valueStart, valueStart + length);
    if (attrType === ATTR_XOR_MAPPED_ADDRESS) {
      const address = readAddress(value, transactionId, true);
      if (!address) return { ok: false, reason: 'bad XOR-MAPPED-ADDRESS' };
      message.mapped = address;
    } else if (attrType === ATTR_MAPPED_ADDRESS && message.mapped === undefined) {
      const address = readAddress(value, transactionId, false);
      if (!address) return { ok: false, reason: 'bad MAPPED-ADDRESS' };
      message.mapped = address;
    } else if (attrType === ATTR_FINGERPRINT) {
      const expected = (crc32(buffer.subarray(0, offset)) ^ FINGERPRINT_XOR) >>> 0;
      if (length !== 4 || value.readUInt32BE(0) !== expected) {
        return { ok: false, reason: 'FINGERPRINT does not match' };
      }
    }
    offset = valueStart + length + ((4 - (length % 4)) % 4);
  }
  return { ok: true, message };
}

function header(type: number, transactionId: Buffer, cookie: boolean): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt16BE(type, 0);
  if (cookie) head.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(head, cookie ? 8 : 4);
  return head;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function assemble(head: Buffer, attributes: Buffer[]): Buffer {
  const message = Buffer.concat([head, ...attributes]);
  message.writeUInt16BE(message.length - HEADER_BYTES, 2);
  return message;
}

/** FINGERPRINT last: the CRC covers the header with its length already counting FINGERPRINT. */
function withFingerprint(head: Buffer, attributes: Buffer[]): Buffer {
  const body = Buffer.concat([head, ...attributes, Buffer.alloc(8)]);
  body.writeUInt16BE(body.length - HEADER_BYTES, 2);
  const at = body.length - 8;
  body.writeUInt16BE(ATTR_FINGERPRINT, at);
  body.writeUInt16BE(4, at + 2);
  body.writeUInt32BE((crc32(body.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0, at + 4);
  return body;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; they are IPv4 clients. */
const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

function addressBytes(text: string): { family: number; bytes: Buffer } {
  const address = IPV4_MAPPED.exec(text)?.[1] ?? text;
  if (IPV4.test(address)) {
    return { family: FAMILY_IPV4, bytes: Buffer.from(address.split('.').map(Number)) };
  }
  if (address.includes(':')) return { family: FAMILY_IPV6, bytes: ipv6Bytes(address) };
  throw new RangeError(`not an IP address: ${address}`);
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  for (const [index, group] of all.entries()) {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  }
  return bytes;
}

function plainAddress(seen: { address: string; port: number }): Buffer {
  const { family, bytes } = addressBytes(seen.address);
  const value = Buffer.alloc(4 + bytes.length);
  value[1] = family;
  value.writeUInt16BE(seen.port, 2);
  bytes.copy(value, 4);
  return value;
}

function xorAddress(seen: { address: string; port: number }, transactionId: Buffer): Buffer {
  const value = plainAddress(seen);
  value.writeUInt16BE(seen.port ^ (MAGIC_COOKIE >>> 16), 2);
  const mask = xorMask(transactionId);
  for (let i = 4; i < value.length; i++) value[i] ^= mask[i - 4];
  return value;
}

function xorMask(transactionId: Buffer): Buffer {
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4, 0, 12);
  return mask;
}

function readAddress(
  value: Buffer,
  transactionId: Buffer,
  xor: boolean,
): { address: string; port: number } | undefined {
  if (value.length < 8) return undefined;
  const family = value[1];
  const size = family === FAMILY_IPV4 ? 4 : family === FAMILY_IPV6 ? 16 : 0;
  if (size === 0 || value.length !== 4 + size) return undefined;
  const bytes = Buffer.from(value.subarray(4));
  let port = value.readUInt16BE(2);
  if (xor) {
    port ^= MAGIC_COOKIE >>> 16;
    const mask = xorMask(transactionId);
    for (let i = 0; i < size; i++) bytes[i] ^= mask[i];
  }
  const address =
    size === 4
      ? [...bytes].join('.')
      : canonicalIpv6(
          Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16)).join(':'),
        );
  return { address, port };
}

/** The RFC 5952 text form ("::1", not "0:0:0:0:0:0:0:1"), as node:net prints addresses. */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
