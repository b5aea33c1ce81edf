/**
 * `whohas get FILE --name NAME --room R ...`: one download and out (get-run.ts, loaded only when
 * the command runs, so `--help` parses none of the peer). Logs in and joins the room (never
 * creates it), asks whohas (or only --from), downloads from up to --sources owners and prints
 * the statistics: a summary, or with --json exactly one JSON object. Exit 0 on success, 1
 * otherwise.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SOURCES, DEFAULT_WHOHAS_WAIT_MS, parseDecimal } from '../../impl/peer/limits.ts';
import { addKeyFlags, type KeyFlags } from '../key-flags.ts';
import { addNatFlags, type NatFlags } from '../nat-flags.ts';
import { addSessionFlags, type SessionFlags } from '../peer-flags.ts';
import { addSecurityFlags, type SecurityFlags } from '../security-flags.ts';

export interface GetFlags extends SessionFlags, SecurityFlags, KeyFlags, NatFlags {
  room: string;
  from?: string;
  out: string;
  wait: number;
  json?: boolean;
  sources: number;
  sha256?: string;
  idleTimeout?: number;
}

function sourceCount(text: string): number {
  const value = parseDecimal(text);
  if (value === undefined || value < 1 || value > 64)
    throw new InvalidArgumentError('must be a whole number from 1 to 64');
  return value;
}

function contentHash(text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new InvalidArgumentError('must be 64 hex digits');
  return text.toLowerCase();
}

function milliseconds(text: string): number {
  const value = parseDecimal(text);
  if (value === undefined || value < 1)
    throw new InvalidArgumentError('must be a whole number of ms >= 1');
  return value;
}

export function register(program: Command): void {
  const command = program
    .command('get')
    .description('download one file from whoever in the room has it, print the statistics, exit')
    .argument('<file>', 'the file name, as the owners share it');
  addNatFlags(addKeyFlags(addSecurityFlags(addSessionFlags(command))))
    .requiredOption('--room <R>', 'the room to join (it must exist)')
    .option('--from <USER>', 'ask only this owner (default: everyone, first responder first)')
    .option('--out <DIR>', 'where the file lands (never overwriting: "name (1).ext")', '.')
    .option('--wait <MS>', 'how long whohas collects answers', milliseconds, DEFAULT_WHOHAS_WAIT_MS)
    .option('--sources <N>', 'owners to fetch chunks from at once', sourceCount, DEFAULT_SOURCES)
    .option(
      '--sha256 <HEX>',
      'only this content (owners of other bytes under the name are skipped)',
      contentHash,
    )
    .option(
      '--idle-timeout <MS>',
      'give up on an owner whose datagrams stop (or never come) this long (default 64000)',
      milliseconds,
    )
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (file: string, flags: GetFlags) => {
      const { get } = await import('./get-run.ts');
      process.exitCode = await get(file, flags);
    });
}
