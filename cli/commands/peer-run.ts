/**
 * The action of `whohas peer` (its options: peer.ts), loaded only when it runs: the console for
 * people, the raw 2016 console, or the headless --serve peer.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { WhohasError } from '../../impl/errors.ts';
import { Peer } from '../../impl/peer/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { runPeopleConsole } from '../console/run.ts';
import { hostPort } from '../host-port.ts';
import { keyOptions } from '../key-options.ts';
import { checkNameFlag } from '../name-flag.ts';
import { natOptions } from '../nat-flags.ts';
import { runConsole } from '../peer-console.ts';
import { securityOptions } from '../security-options.ts';
import { transferEndLine } from '../transfer-format.ts';
import type { PeerFlags } from './peer.ts';

/** What `whohas peer` does with its flags (peer.ts). */
export async function peer(flags: PeerFlags): Promise<void> {
  checkNameFlag(flags.name);
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
