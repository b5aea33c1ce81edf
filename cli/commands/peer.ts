/**
 * `whohas peer [--name NAME] [--room R --create|--join] ...`: the console for people (asks for
 * what is missing, renders messages for reading, /commands: cli/console/), or with --raw the
 * 2016 protocol console (server lines as they are; `@owner|getfile|file` downloads with a
 * progress bar), or with --serve a headless peer that shares and answers until SIGINT/SIGTERM,
 * then leaves cleanly.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { WhohasError } from '../../impl/errors.ts';
import { DEFAULT_PARALLEL, Peer } from '../../impl/peer/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { runPeopleConsole } from '../console/run.ts';
import { hostPort } from '../host-port.ts';
import { addKeyFlags, type KeyFlags, keyOptions } from '../key-flags.ts';
import { addNatFlags, type NatFlags, natOptions } from '../nat-flags.ts';
import { runConsole } from '../peer-console.ts';
import {
  addSessionFlags,
  parseParallelFlag,
  parseShareFlag,
  type SessionFlags,
} from '../peer-flags.ts';
import { addSecurityFlags, type SecurityFlags, securityOptions } from '../security-flags.ts';
import { transferEndLine } from '../transfer-format.ts';

interface PeerFlags extends SessionFlags, SecurityFlags, KeyFlags, NatFlags {
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
      if (flags.serve && !flags.room) throw new InvalidArgumentError('--serve needs --room');
      if ((flags.serve || flags.raw) && !flags.name) {
        throw new InvalidArgumentError(`${flags.serve ? '--serve' : '--raw'} needs --name`);
      }
      if ((flags.create || flags.join) && !flags.room) {
        throw new InvalidArgumentError('--create and --join need --room');
      }
      const platform = createNodePlatform();
      const folder = resolve(flags.folder);
      const keys = await keyOptions(flags, platform, folder, (line) => console.error(line));
      const createPeer = (name: string) =>
        new Peer({
          ...securityOptions(flags, platform, folder),
          ...keys,
          ...natOptions(flags),
          platform,
          name,
          server: flags.server,
          folder,
          window: flags.window,
          arq: flags.arq,
          packetSize: flags.packetSize,
          parallel: flags.parallel,
          share: flags.share,
        });
      if (flags.serve) await serve(createPeer(flags.name), flags);
      else if (flags.raw) {
        const peer = createPeer(flags.name);
        await runConsole(peer, {
          room: flags.room,
          enter: (room) => enterRoom(peer, flags, room),
          uploadsFinished: () => uploadsFinished(peer),
        });
      } else await runPeopleConsole({ ...flags, createPeer });
    });
}

async function enterRoom(peer: Peer, flags: PeerFlags, room: string): Promise<string> {
  await peer.connect();
  const options = { password: flags.password };
  if (flags.create) await peer.create(room, options);
  else if (flags.join) await peer.join(room, options);
  else return `${await peer.joinOrCreate(room, options)} ${room}`;
  return `${flags.create ? 'created' : 'joined'} ${room}`;
}

/** Resolves once no upload is running (uploads may outlive the server connection). */
function uploadsFinished(peer: Peer): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (peer.uploads.length > 0) return;
      peer.off('transfer-end', check);
      resolve();
    };
    peer.on('transfer-end', check);
    check();
  });
}

async function serve(peer: Peer, flags: PeerFlags): Promise<void> {
  const log = (text: string) => process.stdout.write(`${text}\n`);
  peer.on('line', log);
  peer.on('transfer-start', (info) => {
    if (info.direction === 'upload') log(`upload of ${info.file} to ${info.user} started`);
  });
  peer.on('transfer-end', (end) => log(transferEndLine(end)));
  const entered = await enterRoom(peer, flags, flags.room!);
  const server = peer.server!;
  log(
    `whohas peer ${peer.name} serving ${peer.shareFolder.path} in ${entered} on ${hostPort(server.host, server.port)}`,
  );
  const stop = await new Promise<{ signal?: string; error?: WhohasError }>((resolve) => {
    process.once('SIGINT', () => resolve({ signal: 'SIGINT' }));
    process.once('SIGTERM', () => resolve({ signal: 'SIGTERM' }));
    peer.on('error', (error) => resolve({ error }));
  });
  if (stop.error) {
    log(`${stop.error.code}: ${stop.error.message}; finishing running uploads`);
    await uploadsFinished(peer);
    process.exitCode = 1;
  } else {
    log(`${stop.signal}: leaving ${flags.room}`);
  }
  await peer.close();
  log('whohas peer closed');
}
