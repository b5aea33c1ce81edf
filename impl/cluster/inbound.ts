/**
 * What a server does with a message heard on the cluster's bus (bus.ts): membership changes go to
 * the mirror; lines go to this server's own members only, and only in the room incarnation or to
 * the user they were meant for, so nothing reaches the wrong room or anyone twice.
 */
import type { ClusterHost } from '../chat/cluster.ts';
import type { BusMessage } from './bus.ts';
import type { Marks } from './marks.ts';
import type { Mirror } from './mirror.ts';
import type { RedisStore } from './store.ts';

/** Applies `message` on `node` (this server). */
export async function deliver(
  message: BusMessage,
  node: string,
  host: ClusterHost,
  mirror: Mirror,
  store: RedisStore,
  marks: Marks,
): Promise<void> {
  if (message.t === 'mark') return message.n === node ? marks.heard(message.id) : undefined;
  if (message.t === 'exit') return host.shutdown(message.reason);
  if (message.n === node) return;
  switch (message.t) {
    case 'enter': {
      const room = { name: message.r, id: message.id, isPrivate: message.p };
      return mirror.enter(message.n, { name: message.u, room }, false);
    }
    case 'leave':
      return mirror.leave(message.n, message.u, message.why);
    case 'room': {
      const room = host.registry.room(message.r);
      if (room?.id !== message.id) return; // not this incarnation: never the wrong room
      const bytes = Buffer.from(message.line);
      return host.batch(() => {
        for (const member of room.members) {
          if (member.node !== undefined) continue;
          member.sendEncoded(bytes);
          host.stats.linesRouted += 1;
        }
      });
    }
    case 'user':
    case 'kill': {
      if (message.at !== node) return;
      const user = host.registry.user(message.to);
      if (user === undefined || user.node !== undefined || user.room === undefined) return;
      if (message.t === 'kill') {
        return user.end(message.line === '' ? undefined : message.line, message.why);
      }
      if (message.id !== '' && user.room.id !== message.id) return;
      user.sendEncoded(Buffer.from(message.line));
      host.stats.linesRouted += 1;
      return;
    }
    case 'sync':
      return mirror.reconcile(message.n, await store.usersOf(message.n));
  }
}
