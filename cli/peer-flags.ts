/**
 * Flags shared by `whohas peer` and `whohas get`: each parser reuses the peer's own range checks
 * (impl/peer/limits.ts) so the command line refuses exactly what the Peer would.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { Scheme } from '../impl/arq/codec.ts';
import { isWhohasError } from '../impl/errors.ts';
import {
  checkArq,
  DEFAULT_PACKET_SIZE,
  DEFAULT_WINDOW,
  packetSizeProblem,
  parallelProblem,
  parseDecimal,
  parseServerAddress,
  type ServerAddress,
  windowProblem,
} from '../impl/peer/limits.ts';

function numberWith(problem: (value: number) => string | undefined) {
  return (text: string): number => {
    const value = parseDecimal(text);
    const issue = value === undefined ? `"${text}" is not a whole number` : problem(value);
    if (issue || value === undefined) throw new InvalidArgumentError(issue ?? '');
    return value;
  };
}

export const parseWindowFlag = numberWith(windowProblem);
export const parsePacketSizeFlag = numberWith(packetSizeProblem);
export const parseParallelFlag = numberWith(parallelProblem);

export function parseArqFlag(text: string): Scheme {
  try {
    return checkArq(text);
  } catch (error) {
    throw new InvalidArgumentError(isWhohasError(error) ? error.message : String(error));
  }
}

export function parseServerFlag(text: string): ServerAddress {
  try {
    return parseServerAddress(text);
  } catch (error) {
    throw new InvalidArgumentError(isWhohasError(error) ? error.message : String(error));
  }
}

export function parseShareFlag(text: string): boolean {
  if (text === '1') return true;
  if (text === '0') return false;
  throw new InvalidArgumentError('must be 1 (share) or 0 (share nothing)');
}

/**
 * The flags both commands take: who we are, where the server is, the room, the transfer shape.
 * `nameAsked`: the command asks a person for the name when --name is missing (the peer console).
 */
export function addSessionFlags(command: Command, nameAsked = false): Command {
  const name = nameAsked
    ? command.option(
        '--name <NAME>',
        'your username in the chat (required with --serve or --raw; asked for otherwise)',
      )
    : // Checked when the command runs (name-flag.ts): the name rules need the homoglyph tables.
      command.requiredOption('--name <NAME>', 'your username in the chat');
  return name
    .option('--password <P>', 'the room password (private rooms)')
    .option(
      '--server <HOST:PORT>',
      'the chat server, HOST:PORT or [IPv6]:PORT (default: 127.0.0.1 ports 50000..50009, as in 2016)',
      parseServerFlag,
    )
    .option('--window <N>', 'ARQ window N of your downloads', parseWindowFlag, DEFAULT_WINDOW)
    .option(
      '--arq <SCHEME>',
      'ARQ scheme of your downloads: gbn (Go-Back-N) or sr (Selective Repeat)',
      parseArqFlag,
      'gbn' as Scheme,
    )
    .option(
      '--packet-size <B>',
      'datagram size of your downloads, header included',
      parsePacketSizeFlag,
      DEFAULT_PACKET_SIZE,
    );
}

export interface SessionFlags {
  /** Always there for `get`; for `peer`, asked for at the console when missing. */
  name: string;
  password?: string;
  server?: ServerAddress;
  window: number;
  arq: Scheme;
  packetSize: number;
}
