/**
 * `whohas peer [--name NAME] [--room R --create|--join] ...`: the console for people (asks for
 * what is missing, renders messages for reading, /commands: cli/console/), or with --raw the
 * 2016 protocol console (server lines as they are; `@owner|getfile|file` downloads with a
 * progress bar), or with --serve a headless peer that shares and answers until SIGINT/SIGTERM,
 * then leaves cleanly. The options are here; what runs is peer-run.ts, loaded only then.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_PARALLEL } from '../../impl/peer/limits.ts';
import { addKeyFlags, type KeyFlags } from '../key-flags.ts';
import { addNatFlags, type NatFlags } from '../nat-flags.ts';
import {
  addSessionFlags,
  parseParallelFlag,
  parseShareFlag,
  type SessionFlags,
} from '../peer-flags.ts';
import { addSecurityFlags, type SecurityFlags } from '../security-flags.ts';

export interface PeerFlags extends SessionFlags, SecurityFlags, KeyFlags, NatFlags {
  room?: string;
  create?: boolean;
  join?: boolean;
  folder: string;
  parallel: number;
  share: boolean;
  serve?: boolean;
  raw?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('peer')
    .description('chat in a room and share files: an interactive console, or --serve headless');
  addNatFlags(addKeyFlags(addSecurityFlags(addSessionFlags(command, true))))
    .option('--room <R>', 'the room to enter (joined, or created if missing)')
    .addOption(new Option('--create', 'create the room (fail if it exists)').conflicts('join'))
    .addOption(new Option('--join', 'join the room (fail if it does not exist)'))
    .option('--folder <DIR>', 'the share folder; downloads land here too', 'folder')
    .option('--parallel <K>', 'upload slots', parseParallelFlag, DEFAULT_PARALLEL)
    .addOption(
      new Option('--share <0|1>', 'share the folder (1) or nothing (0) at start')
        .argParser(parseShareFlag)
        .default(true, '1'),
    )
    .option('--serve', 'headless: log in, share, answer; leave on SIGINT/SIGTERM')
    .option('--raw', 'the console speaks the raw protocol (OK|..., #eko|...), as in 2016')
    .action(async (flags: PeerFlags) => {
      const { peer } = await import('./peer-run.ts');
      await peer(flags);
    });
}
