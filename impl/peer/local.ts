/**
 * The 2016 local commands, run inside the peer and never sent to the server. Replies look like
 * server lines (`OK|...`, `ERROR|<CODE>|...`) so a console prints them the same way; the share
 * status adds one `SHARE|<file>|<bytes>|<shared|not shared>` line per file.
 */
import { isWhohasError } from '../errors.ts';
import { parseLocalCommand } from './commands.ts';
import type { Peer } from './peer.ts';

/** Reply lines for a local command, or undefined when `line` is not one. */
export async function runLocalCommand(peer: Peer, line: string): Promise<string[] | undefined> {
  const command = parseLocalCommand(line);
  if (!command) return undefined;
  try {
    switch (command.kind) {
      case 'error':
        return [`ERROR|${command.code}|${command.message}`];
      case 'setwindow':
        peer.setWindow(command.window);
        return [`OK|Window set to ${command.window} for the next downloads`];
      case 'setarq':
        peer.setArq(command.arq);
        return [`OK|ARQ scheme set to ${command.arq} for the next downloads`];
      case 'setshare':
        peer.setShare(command.file, true);
        return [
          peer.shareFolder.global
            ? `OK|${command.file} is shared`
            : `OK|${command.file} may be shared, but global sharing is off (@me|setglobalshare)`,
        ];
      case 'clrshare':
        peer.setShare(command.file, false);
        return [`OK|${command.file} is no longer shared`];
      case 'setglobalshare':
        peer.setGlobalShare(true);
        return ['OK|Global sharing is on'];
      case 'clrglobalshare':
        peer.setGlobalShare(false);
        return ['OK|Global sharing is off: no file is offered'];
      case 'getsharestatus':
        return await shareStatusLines(peer);
    }
  } catch (error) {
    if (isWhohasError(error)) return [`ERROR|${error.code}|${error.message}`];
    throw error;
  }
}

async function shareStatusLines(peer: Peer): Promise<string[]> {
  const status = await peer.shareStatus();
  const shared = status.files.filter((file) => file.shared).length;
  const head =
    `OK|Global sharing ${status.global ? 'on' : 'off'}; ${shared} of ${status.files.length} files shared; ` +
    `window ${peer.window}; arq ${peer.arq}; packet size ${peer.packetSize}; ` +
    `${peer.uploads.length} of ${peer.parallel} upload slots busy`;
  const cleared = status.cleared.length > 0 ? [`OK|Cleared: ${status.cleared.join(', ')}`] : [];
  return [
    head,
    ...status.files.map(
      (file) => `SHARE|${file.name}|${file.size}|${file.shared ? 'shared' : 'not shared'}`,
    ),
    ...cleared,
  ];
}
