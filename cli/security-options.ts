/** The Peer options the security flags (security-flags.ts) stand for, loaded only when a command runs. */
import { join, resolve } from 'node:path';
import { FileRoomPins, type PeerOptions, PINS_FILE } from '../impl/peer/index.ts';
import type { Platform } from '../impl/platform/types.ts';
import type { SecurityFlags } from './security-flags.ts';

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
