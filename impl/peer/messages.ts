/**
 * The file protocol carried in chat messages (docs/protocol-files.md). Pure functions: the
 * encoders build the text a peer sends after `@<to>|`, the parser reads the text of a delivered
 * `#<from>|<text>` line. Neither touches a socket.
 */
import type { Scheme } from '../arq/codec.ts';
import type { PeerErrorCode, SecurityErrorCode, TransferErrorCode } from '../errors.ts';
import { encodeCandidates, parseCandidates } from '../nat/candidates.ts';
import type { Candidate } from '../nat/punch.ts';
import { encodeOffer, parseOffer, type SealOffer } from '../seal/agreement.ts';
import { parseGetfile, parseTransferId } from './getfile-parse.ts';
import { parseDecimal } from './limits.ts';
import {
  type ByteRange,
  encodeExtras,
  encodeRange,
  encodeTree,
  type TreeId,
} from './message-fields.ts';
import { parseHave } from './messages-content.ts';
import { fileNameProblem } from './names.ts';

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
  /** The requester's signed ephemeral key (a last `seal:` field): the transfer is sealed. */
  seal?: SealOffer;
  /** The requester's candidates (`cand=`) and probe token (`punch=`): it can punch. */
  cand?: Candidate[];
  punch?: Buffer;
}

export interface SendingMessage {
  kind: 'sending';
  file: string;
  transferId: number;
  size: number;
  /** The owner's datagram port. */
  port: number;
  /** The owner's candidates (`cand=`): it punches toward the requester's. */
  cand?: Candidate[];
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
        cand: message.cand && encodeCandidates(message.cand),
        punch: message.punch?.toString('hex'),
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
        // The seal offer is always the last field (the owner strips it before the rest).
        ...(message.seal ? [encodeOffer(message.seal)] : []),
      ].join('|');
    }
    case 'sending':
      return [
        `sending|${message.file}|${message.transferId}|${message.size}|${message.port}`,
        // `cand=` before the seal offer, which stays last.
        ...(message.cand ? [`cand=${encodeCandidates(message.cand)}`] : []),
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

function parseSending(fields: string[]): SendingMessage | undefined {
  if (fields.length < 5 || fields.length > 7) return undefined;
  const [, file, idText, sizeText, portText, ...rest] = fields;
  // Optional `cand=<list>`, then the optional seal offer (always last).
  const candText = rest[0]?.startsWith('cand=') ? rest.shift()?.slice(5) : undefined;
  const cand = candText === undefined ? undefined : parseCandidates(candText);
  if (typeof cand === 'string' || rest.length > 1) return undefined;
  const seal = rest[0] === undefined ? undefined : parseOffer(rest[0]);
  if (rest[0] !== undefined && seal === undefined) return undefined;
  const transferId = parseTransferId(idText);
  const size = parseDecimal(sizeText);
  const port = parseDecimal(portText);
  if (transferId === undefined || size === undefined || port === undefined) return undefined;
  if (port < 1 || port > 65_535) return undefined;
  return {
    kind: 'sending',
    file,
    transferId,
    size,
    port,
    ...(cand ? { cand } : {}),
    ...(seal ? { seal } : {}),
  };
}

function parseRefused(fields: string[]): RefusedMessage | undefined {
  if (fields.length < 5) return undefined;
  const [, file, idText, code] = fields;
  const transferId = idText === '-' ? undefined : parseTransferId(idText);
  if (idText !== '-' && transferId === undefined) return undefined;
  if (!/^[A-Z_]+$/.test(code)) return undefined;
  return { kind: 'refused', file, transferId, code, reason: fields.slice(4).join('|') };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
