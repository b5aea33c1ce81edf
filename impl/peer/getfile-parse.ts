/** The owner's reading of a `getfile` request (docs/PROTOCOL.md, "Messages"): a request, or why not. */
import { SCHEMES } from '../arq/codec.ts';
import { parseOffer, SEAL_FIELD_PREFIX } from '../seal/agreement.ts';
import { packetSizeProblem, parseDecimal, windowProblem } from './limits.ts';
import { parseExtras } from './message-fields.ts';
import {
  type BadRequest,
  GETFILE_USAGE,
  type GetfileMessage,
  MAX_TRANSFER_ID,
} from './messages.ts';
import { withContentFields } from './messages-content.ts';
import { fileNameProblem, printable } from './names.ts';
import { withNatFields } from './nat-fields.ts';

export function parseGetfile(all: string[]): GetfileMessage | BadRequest {
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
  const withContent =
    withContentFields(request, extras) ?? withNatFields(request, extras) ?? request;
  if (!sealed || withContent.kind === 'bad-request') return withContent;
  const seal = parseOffer(last);
  if (seal === undefined) {
    return bad(
      'BAD_ARGUMENT',
      'the seal field must be seal:<ephemeral>:<identity>:<signature> (base64url)',
    );
  }
  return { ...withContent, seal };
}

export function parseTransferId(text: string | undefined): number | undefined {
  const value = text === undefined ? undefined : parseDecimal(text);
  return value !== undefined && value <= MAX_TRANSFER_ID ? value : undefined;
}
