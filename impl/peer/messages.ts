/**
 * The file protocol carried in chat messages (docs/protocol-files.md). Pure functions: the
 * encoders build the text a peer sends after `@<to>|`, the parser reads the text of a delivered
 * `#<from>|<text>` line. Neither touches a socket.
 */
import { SCHEMES, type Scheme } from '../arq/codec.ts';
import type { PeerErrorCode, SecurityErrorCode, TransferErrorCode } from '../errors.ts';
import { encodeOffer, parseOffer, SEAL_FIELD_PREFIX, type SealOffer } from '../seal/agreement.ts';
import { packetSizeProblem, parseDecimal, windowProblem } from './limits.ts';
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
  /** The requester's signed ephemeral key (a last `seal:` field): the transfer is sealed. */
  seal?: SealOffer;
}

export interface SendingMessage {
  kind: 'sending';
  file: string;
  transferId: number;
  size: number;
  /** The owner's datagram port. */
  port: number;
  /** The owner's signed ephemeral key, answering a sealed getfile. */
  seal?: SealOffer;
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
  code: PeerErrorCode | TransferErrorCode | SecurityErrorCode;
  reason: string;
}

export const GETFILE_USAGE =
  'getfile|<file>|<address>|<port>|<transferId>|<window>|<packetSize>[|<arq>]';

export function encodeFileMessage(message: FileMessage): string {
  switch (message.kind) {
    case 'whohas':
      return `whohas|${message.file}`;
    case 'have':
      return `have|${message.file}|${message.size}|${message.address}`;
    case 'getfile':
      return [
        'getfile',
        message.file,
        message.address,
        message.port,
        message.transferId,
        message.window,
        message.packetSize,
        // Go-Back-N requests keep the seven-field form every owner reads.
        ...(message.arq === 'gbn' ? [] : [message.arq]),
        ...(message.seal ? [encodeOffer(message.seal)] : []),
      ].join('|');
    case 'sending':
      return [
        `sending|${message.file}|${message.transferId}|${message.size}|${message.port}`,
        ...(message.seal ? [encodeOffer(message.seal)] : []),
      ].join('|');
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

function parseHave(fields: string[]): HaveMessage | undefined {
  if (fields.length !== 4) return undefined;
  const [, file, sizeText, address] = fields;
  const size = parseDecimal(sizeText);
  if (fileNameProblem(file) || size === undefined || address === '') return undefined;
  return { kind: 'have', file, size, address };
}

function parseGetfile(all: string[]): GetfileMessage | BadRequest {
  const last = all[all.length - 1] ?? '';
  const sealed = all.length > 7 && last.startsWith(SEAL_FIELD_PREFIX);
  const fields = sealed ? all.slice(0, -1) : all;
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
  if (fields.length > 8)
    return bad('BAD_ARGUMENT', `getfile has too many fields; expected ${GETFILE_USAGE}`);
  const nameProblem = fileNameProblem(file);
  if (nameProblem) return bad('BAD_FILENAME', nameProblem);
  const [, , address, portText, idText, windowText, packetText, arqText = 'gbn'] = fields;
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
  if (!sealed) return request;
  const seal = parseOffer(last);
  if (seal === undefined) {
    return bad(
      'BAD_ARGUMENT',
      'the seal field must be seal:<ephemeral>:<identity>:<signature> (base64url)',
    );
  }
  return { ...request, seal };
}

function parseSending(fields: string[]): SendingMessage | undefined {
  if (fields.length !== 5 && fields.length !== 6) return undefined;
  const [, file, idText, sizeText, portText, sealText] = fields;
  const seal = sealText === undefined ? undefined : parseOffer(sealText);
  if (sealText !== undefined && seal === undefined) return undefined;
  const transferId = parseTransferId(idText);
  const size = parseDecimal(sizeText);
  const port = parseDecimal(portText);
  if (transferId === undefined || size === undefined || port === undefined) return undefined;
  if (port < 1 || port > 65_535) return undefined;
  return { kind: 'sending', file, transferId, size, port, ...(seal ? { seal } : {}) };
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

/** A room line from another user (`#from|text`) with its file-search message, if it is one. */
export function parseUserLine(
  line: string,
): { from: string; message: FileMessage | BadRequest | undefined } | undefined {
  if (!line.startsWith('#')) return undefined;
  const bar = line.indexOf('|');
  const from = line.slice(1, bar);
  if (bar < 2 || from === 'me' || from === 'server') return undefined;
  return { from, message: parseFileMessage(line.slice(bar + 1)) };
}
