/**
 * A transfer's candidates on the chat line (docs/PROTOCOL.md, "NAT traversal"): the `cand=` field
 * of `getfile` and `sending`, a comma-separated list of `<kind>-<address>-<port>` with kind `h`
 * (host: the transfer socket's own address) or `s` (server-reflexive: as the STUN server saw it),
 * e.g. `h-192.0.2.10-40001,s-203.0.113.5-51234`. IPv6 addresses hold `:` but never `-` or `,`, so
 * the same form carries them (`h-2001:db8::5-40001`). `punch=` is the 8-byte probe token in hex.
 * Pure.
 */
import type { Candidate } from './punch.ts';

/** Candidates one side may offer: a host and a reflexive one per family, with room to spare. */
export const MAX_CANDIDATES = 4;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PORT = /^[1-9]\d{0,4}$/;
const TOKEN = /^[0-9a-f]{16}$/;

/** A literal IPv4 or IPv6 address (no zone, no brackets); an IPv4 tail is allowed in IPv6. */
export function isIpAddress(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!text.includes(':') || text.length > 45) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const last = groups[groups.length - 1] ?? '';
  const v4Tail = IPV4.test(last);
  const hex = v4Tail ? groups.slice(0, -1) : groups;
  if (!hex.every((group) => HEX_GROUP.test(group))) return false;
  const size = hex.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? size <= 7 : size === 8;
}

export function encodeCandidates(candidates: readonly Candidate[]): string {
  return candidates.map((c) => `${c.kind === 'host' ? 'h' : 's'}-${c.address}-${c.port}`).join(',');
}

/** The candidates of a `cand=` value, or the reason it is malformed. */
export function parseCandidates(text: string): Candidate[] | string {
  const items = text.split(',');
  if (items.length > MAX_CANDIDATES) return `more than ${MAX_CANDIDATES} candidates`;
  const candidates: Candidate[] = [];
  for (const item of items) {
    const parts = item.split('-');
    const [kind, address = '', portText = ''] = parts;
    if (parts.length !== 3 || (kind !== 'h' && kind !== 's')) {
      return `"${item}" is not <h|s>-<address>-<port>`;
    }
    if (!isIpAddress(address)) return `"${address}" is not an IP address`;
    const port = Number(portText);
    if (!PORT.test(portText) || port > 65_535) return `port "${portText}" is not 1..65535`;
    candidates.push({ kind: kind === 'h' ? 'host' : 'reflexive', address, port });
  }
  return candidates;
}

/** The 8-byte probe token of a `punch=` value (16 lower-case hex digits), or undefined. */
export function parsePunchToken(text: string): Buffer | undefined {
  return TOKEN.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** "address:port", IPv6 in brackets. */
export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
