/**
 * `@server|relay|<transfer id>|<owner>`: a requester whose hole punching failed asks the server
 * to relay one transfer between itself and `owner`, a member of its own room. The server draws a
 * secret token and tells both sides, `RELAY|<id>|<requester>|<owner>|<token hex>|<udp port>`;
 * each binds to the relay (impl/nat/relay.ts) on that UDP port with the id and token. The relay
 * itself sits beside the chat server (the CLI wires it); a server without one answers
 * RELAY_REFUSED.
 */
import type { Random } from '../platform/types.ts';
import type { Registry } from './rooms.ts';
import type { Session } from './session.ts';
import { errorLine, nameKey } from './wire.ts';

/** What the chat server needs of a relay. */
export interface RelayGranter {
  /** False while the relay has no UDP port (taken, or not started). */
  available(): boolean;
  readonly port: number;
  grant(transferId: number, token: Buffer, requester: string, owner: string): void;
}

/** 0 included: a requester draws transfer ids from 0 up, and id 0 may need a relay too. */
const TRANSFER_ID = /^(?:0|[1-9]\d{0,9})$/;

export function relayCommand(
  session: Session,
  argument: string | undefined,
  registry: Registry,
  relay: RelayGranter | undefined,
  random: Random,
): void {
  const [idText, owner] = (argument ?? '').split('|');
  const transferId = Number(idText);
  if (!TRANSFER_ID.test(idText ?? '') || transferId > 0xffff_ffff || !owner) {
    session.send(errorLine('BAD_FORMAT', 'Use @server|relay|<transfer id>|<owner>'));
    return;
  }
  const requester = session.username!;
  const target = registry.user(nameKey(owner));
  if (target === undefined || target.room !== session.room || target === session) {
    session.send(errorLine('NO_SUCH_USER', `User ${owner} is not another member of your room`));
    return;
  }
  if (relay === undefined || !relay.available()) {
    session.send(errorLine('RELAY_REFUSED', 'This server has no relay'));
    return;
  }
  const token = random.bytes(8);
  relay.grant(transferId, token, requester, target.username!);
  const line = `RELAY|${transferId}|${requester}|${target.username}|${token.toString('hex')}|${relay.port}`;
  session.send(line);
  target.send(line);
}
