/**
 * Flags of `whohas get` and `whohas peer` about trusting a room and the download folder
 * (docs/PROTOCOL.md, "Room identity" and "Stale partial files").
 */
import { type Command, InvalidArgumentError } from 'commander';
import { PINS_FILE } from '../impl/peer/file-names.ts';
import { parseDecimal } from '../impl/peer/limits.ts';

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
