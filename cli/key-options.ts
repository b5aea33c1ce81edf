/** The Peer options the key flags (key-flags.ts) stand for, loaded only when a command runs. */
import { join, resolve } from 'node:path';
import {
  FileRoomPins,
  groupHex,
  IDENTITY_FILE,
  KEY_PINS_FILE,
  loadIdentity,
  type PeerOptions,
} from '../impl/peer/index.ts';
import type { Platform } from '../impl/platform/types.ts';
import { fingerprint } from '../impl/seal/keys.ts';
import type { KeyFlags } from './key-flags.ts';

/** The Peer options the flags stand for; notes (fingerprints) go to `say` (stderr). */
export async function keyOptions(
  flags: KeyFlags,
  platform: Platform,
  folder: string,
  say: (line: string) => void,
): Promise<Pick<PeerOptions, 'tls' | 'identity' | 'keyPins' | 'acceptKeyChange'>> {
  const pins = new FileRoomPins(
    platform.fs,
    flags.keyPins ? resolve(flags.keyPins) : join(folder, KEY_PINS_FILE),
  );
  const options: Pick<PeerOptions, 'tls' | 'identity' | 'keyPins' | 'acceptKeyChange'> = {};
  if (flags.tls) {
    options.tls = {
      pins,
      acceptChange: flags.acceptServerKey === true,
      onCertificate: (print, how) => {
        if (how !== 'known') say(`server certificate ${groupHex(print)} (${how}: pinned)`);
      },
    };
  }
  if (flags.seal || flags.identity) {
    const path = flags.identity ? resolve(flags.identity) : join(folder, IDENTITY_FILE);
    const { identity, created } = await loadIdentity(platform.fs, platform.random, path);
    say(`${created ? 'new ' : ''}user key ${fingerprint(identity.publicRaw, true)} (${path})`);
    options.identity = identity;
    options.keyPins = pins;
    options.acceptKeyChange = flags.acceptKeyChange === true;
  }
  return options;
}
