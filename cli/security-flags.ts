/**
 * Flags of `whohas get` and `whohas peer` about trusting a room and the download folder
 * (docs/PROTOCOL.md, "Room identity" and "Stale partial files").
 */
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { FileRoomPins, type PeerOptions, PINS_FILE, parseDecimal } from '../impl/peer/index.ts';
import type { Platform } from '../impl/platform/types.ts';

export interface SecurityFlags {
  pins?: string;
  acceptRoomChange?: boolean;
  staleAfter: number;
}

const DEFAULT_STALE_MINUTES = 24 * 60;

function minutes(text: string): number {
  const value = parseDecimal(text);
  if (value === undefined) throw new InvalidArgumentError('must be a whole number of minutes');
  return value;
}

export function addSecurityFlags(command: Command): Command {
  return command
    .option(
      '--pins <FILE>',
      `room ids pinned on first use (default: ${PINS_FILE} in the download folder)`,
    )
    .option(
      '--accept-room-change',
      'enter a room recreated since it was pinned (ROOM_CHANGED otherwise) and pin its new id',
    )
    .option(
      '--stale-after <MINUTES>',
      'remove partial downloads (.whohas-*.part) untouched this long; those of exited processes go at once',
      minutes,
      DEFAULT_STALE_MINUTES,
    );
}

/** The Peer options the flags stand for; `folder` is where downloads land. */
export function securityOptions(
  flags: SecurityFlags,
  platform: Platform,
  folder: string,
): Pick<PeerOptions, 'roomPins' | 'acceptRoomChange' | 'stalePartialMs'> {
  const pinsPath = flags.pins ? resolve(flags.pins) : join(folder, PINS_FILE);
  return {
    roomPins: new FileRoomPins(platform.fs, pinsPath),
    acceptRoomChange: flags.acceptRoomChange === true,
    stalePartialMs: flags.staleAfter * 60_000,
  };
}
