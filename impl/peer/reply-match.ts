/** Which download a `sending` or `refused` line from an owner answers. */
import { nameKey } from '../chat/wire.ts';
import type { RefusedMessage, SendingMessage } from './messages.ts';

interface Matchable {
  ownerKey: string;
  info: { file: string };
  accepted: boolean;
}

export function matchReply<A extends Matchable>(
  attempts: ReadonlyMap<number, A>,
  owner: string,
  reply: SendingMessage | RefusedMessage,
): A | undefined {
  const ownerKey = nameKey(owner);
  if (reply.transferId !== undefined) {
    const attempt = attempts.get(reply.transferId);
    return attempt?.ownerKey === ownerKey && attempt.info.file === reply.file ? attempt : undefined;
  }
  // A refusal without an id answers a request too broken to carry one: match on owner and file.
  const candidates = [...attempts.values()].filter(
    (a) => a.ownerKey === ownerKey && a.info.file === reply.file && !a.accepted,
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}
