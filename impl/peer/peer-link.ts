/** The PeerLink a Peer gives its uploads, downloads and offers (types.ts). */
import type { PeerNat } from './nat-link.ts';
import type { Peer } from './peer.ts';
import type { PeerSettings } from './peer-options.ts';
import type { ReplyBudget } from './reply-budget.ts';
import type { ChatSession } from './session.ts';
import type { PeerLink } from './types.ts';

export function peerLink(
  peer: Pick<Peer, 'platform' | 'emit'>,
  settings: PeerSettings,
  session: ChatSession,
  replies: ReplyBudget,
  nat: PeerNat | undefined,
): PeerLink {
  return {
    platform: peer.platform,
    sendTo: (to, text) => session.send(`@${to}|${text}`),
    reply: (to, text) => replies.reply(to, text),
    localAddress: () => session.localAddress,
    transferOptions: settings.transfer,
    session,
    seal: settings.seal,
    nat,
    started: (info) => peer.emit('transfer-start', info),
    ended: (end) => peer.emit('transfer-end', end),
  };
}
