/**
 * The file protocol carried in chat messages (docs/protocol-files.md). Pure functions: the
 * encoders build the text a peer sends after `@<to>|`, the parser reads the text of a delivered
 * `#<from>|<text>` line. Neither touches a socket.
 */
import { SCHEMES, type Scheme } from '../arq/codec.ts';
import type { PeerErrorCode, TransferErrorCode } from '../errors.ts';
import { packetSizeProblem, parseDecimal, windowProblem } from './limits.ts';
import {
  type ByteRange,
  encodeExtras,
  encodeRange,
  encodeTree,
  parseExtras,
  type TreeId,
} from './message-fields.ts';
import { parseHave, withContentFields } from './messages-content.ts';
import { fileNameProblem, printable } from './names.ts';

export const MAX_TRANSFER_ID = 0xffff_ffff;

export interface WhohasMessage {
  kind: 'whohas';
  file: string;
}

export interface HaveMessage {
  kind: 'have';
  file: string;
  size: number;
  /** The address the owner's datagrams come from. */
  address: string;
  /** The file's SHA-256 (hex), when the owner has hashed it (`sha256=`; absent in older answers). */
  sha256?: string;
  /** Its chunk tree (`tree=<chunkBytes>:<root>`), for resume and several sources. */
  tree?: TreeId;
}

export interface GetfileMessage {
  kind: 'getfile';
  file: string;
  /** Where the requester's datagram socket listens. */
  address: string;
  port: number;
  transferId: number;
  window: number;
  packetSize: number;
  /** The ARQ scheme asked for; an absent field (older requesters) means 'gbn'. */
  arq: Scheme;
  /** The content wanted (`sha256=`): refused with CONTENT_MISMATCH if the file holds other. */
  sha256?: string;
  /** Only these bytes of the file (`range=<offset>+<length>`). */
  range?: ByteRange;
  /** `part=tree`: the leaves of the file's chunk tree instead of the file. */
  part?: 'tree';
}

export interface SendingMessage {
  kind: 'sending';
  file: string;
  transferId: number;
  size: number;
  /** The owner's datagram port. */
  port: number;
}

export interface RefusedMessage {
  kind: 'refused';
  file: string;
  /** Absent when the request was too malformed to carry one (written `-`). */
  transferId: number | undefined;
  code: string;
  reason: string;
}

/** The owner heard the requester's final ACK: the requester need not linger for a lost one. */
export interface DeliveredMessage {
  kind: 'delivered';
  file: string;
  transferId: number;
}

export type FileMessage =
  | WhohasMessage
  | HaveMessage
  | GetfileMessage
  | SendingMessage
  | RefusedMessage
  | DeliveredMessage;

/** A getfile the owner must refuse, with everything the refusal line needs. */
export interface BadRequest {
  kind: 'bad-request';
  file: string;
  transferId: number | undefined;
  code: PeerErrorCode | TransferErrorCode;
  reason: string;
}

export const GETFILE_USAGE =
  'getfile|<file>|<address>|<port>|<transferId>|<window>|<packetSize>[|<arq>]';

export function encodeFileMessage(message: FileMessage): string {
  switch (message.kind) {
    case 'whohas':
      return `whohas|${message.file}`;
    case 'have':
      return [
        'have',
        message.file,
        message.size,
        message.address,
        ...encodeExtras({
          sha256: message.sha256,
          tree: message.tree && encodeTree(message.tree),
        }),
      ].join('|');
    case 'getfile': {
      const extras = encodeExtras({
        sha256: message.sha256,
        range: message.range && encodeRange(message.range),
        part: message.part,
      });
      return [
        'getfile',
        message.file,
        message.address,
        message.port,
        message.transferId,
        message.window,
        message.packetSize,
        // Plain Go-Back-N requests keep the seven-field form every owner reads.
        ...(message.arq === 'gbn' && extras.length === 0 ? [] : [message.arq]),
        ...extras,
      ].join('|');
    }
    case 'sending':
      return `sending|${message.file}|${message.transferId}|${message.size}|${message.port}`;
    case 'delivered':
      return `delivered|${message.file}|${message.transferId}`;
    case 'refused':
      return [
        'refused',
        message.file,
        message.transferId ?? '-',
        message.code,
        oneLine(message.reason),
      ].join('|');
  }
}

/** A refusal line's text for a request the parser rejected. */
export function refusalFor(bad: BadRequest): RefusedMessage {
  return {
    kind: 'refused',
    file: bad.file,
    transferId: bad.transferId,
    code: bad.code,
    reason: bad.reason,
  };
}

/**
 * Reads the text of a delivered message. Returns undefined for ordinary chat (and for file
 * messages too broken to answer, such as a malformed `have`), a BadRequest for a getfile the
 * owner should refuse with a clear reason.
 */
export function parseFileMessage(text: string): FileMessage | BadRequest | undefined {
  const fields = text.split('|');
  switch (fields[0]) {
    case 'whohas':
      return fields.length === 2 && !fileNameProblem(fields[1])
        ? { kind: 'whohas', file: fields[1] }
        : undefined;
    case 'have':
      return parseHave(fields);
    case 'getfile':
      return parseGetfile(fields);
    case 'sending':
      return parseSending(fields);
    case 'refused':
      return parseRefused(fields);
    case 'delivered': {
      const transferId = parseTransferId(fields[2]);
      return fields.length === 3 && transferId !== undefined
        ? { kind: 'delivered', file: fields[1], transferId }
        : undefined;
    }
    default:
      return undefined;
  }
}

function parseGetfile(fields: string[]): GetfileMessage | BadRequest {
  const file = fields[1] ?? '';
  const transferId = parseTransferId(fields[4]);
  const bad = (code: BadRequest['code'], reason: string): BadRequest => ({
    kind: 'bad-request',
    file: printable(file),
    transferId,
    code,
    reason,
  });
  if (fields.length < 7) {
    const missing = ['file', 'address', 'port', 'transferId', 'window', 'packetSize']
      .slice(Math.max(0, fields.length - 1))
      .join(', ');
    return bad(
      'BAD_ARGUMENT',
      `getfile needs ${GETFILE_USAGE} (missing: ${missing}); use a whohas client to download, the 2016 form carries no datagram port`,
    );
  }
  const extraAt = fields.length > 7 && fields[7].includes('=') ? 7 : 8;
  const extras = parseExtras(fields.slice(extraAt));
  if (typeof extras === 'string') {
    const usage = `${GETFILE_USAGE}[|<key>=<value>...]`;
    return bad('BAD_ARGUMENT', `getfile has too many fields: ${extras}; expected ${usage}`);
  }
  const nameProblem = fileNameProblem(file);
  if (nameProblem) return bad('BAD_FILENAME', nameProblem);
  const [, , address, portText, idText, windowText, packetText] = fields;
  const arqText = extraAt === 8 ? (fields[7] ?? 'gbn') : 'gbn';
  if (!/^[0-9A-Za-z.:-]+$/.test(address)) return bad('BAD_ARGUMENT', `bad address "${address}"`);
  const port = parseDecimal(portText);
  if (port === undefined || port < 1 || port > 65_535) {
    return bad('BAD_ARGUMENT', `port must be from 1 to 65535, got "${portText}"`);
  }
  if (transferId === undefined) {
    return bad(
      'BAD_ARGUMENT',
      `transfer id must be a number from 0 to ${MAX_TRANSFER_ID}, got "${idText}"`,
    );
  }
  const window = parseDecimal(windowText);
  const windowIssue =
    window === undefined ? `window "${windowText}" is not a number` : windowProblem(window);
  if (windowIssue || window === undefined) return bad('BAD_WINDOW', windowIssue ?? '');
  const packetSize = parseDecimal(packetText);
  const packetIssue =
    packetSize === undefined
      ? `packet size "${packetText}" is not a number`
      : packetSizeProblem(packetSize);
  if (packetIssue || packetSize === undefined) return bad('BAD_PACKET_SIZE', packetIssue ?? '');
  const arq = SCHEMES.find((scheme) => scheme === arqText);
  if (arq === undefined) {
    return bad('UNSUPPORTED_ARQ', `arq must be one of ${SCHEMES.join(', ')}, got "${arqText}"`);
  }
  const request: GetfileMessage = {
    kind: 'getfile',
    file,
    address,
    port,
    transferId,
    window,
    packetSize,
    arq,
  };
  return withContentFields(request, extras) ?? request;
}

function parseSending(fields: string[]): SendingMessage | undefined {
  if (fields.length !== 5) return undefined;
  const [, file, idText, sizeText, portText] = fields;
  const transferId = parseTransferId(idText);
  const size = parseDecimal(sizeText);
  const port = parseDecimal(portText);
  if (transferId === undefined || size === undefined || port === undefined) return undefined;
  if (port < 1 || port > 65_535) return undefined;
  return { kind: 'sending', file, transferId, size, port };
}

function parseRefused(fields: string[]): RefusedMessage | undefined {
  if (fields.length < 5) return undefined;
  const [, file, idText, code] = fields;
  const transferId = idText === '-' ? undefined : parseTransferId(idText);
  if (idText !== '-' && transferId === undefined) return undefined;
  if (!/^[A-Z_]+$/.test(code)) return undefined;
  return { kind: 'refused', file, transferId, code, reason: fields.slice(4).join('|') };
}

function parseTransferId(text: string | undefined): number | undefined {
  const value = text === undefined ? undefined : parseDecimal(text);
  return value !== undefined && value <= MAX_TRANSFER_ID ? value : undefined;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
