/**
 * Lines from a user in a room: `@user|text`, `@all|text`, `@me|text` and `@server|command`.
 * The sender written on every delivered line is the session's own username, never client text.
 */
import type { Random } from '../platform/types.ts';
import { type RelayGranter, relayCommand } from './relay-grants.ts';
import type { Registry } from './rooms.ts';
import { LEFT, type Session } from './session.ts';
import type { MutableChatStats } from './stats.ts';
import {
  answerOf,
  directLine,
  errorLine,
  listLine,
  messageLine,
  nameKey,
  okLine,
  parseMessage,
} from './wire.ts';

// The targets' keys: `me` has the skeleton `rne` (m looks like rn).
const SERVER = nameKey('server');
const ALL = nameKey('all');
const ME = nameKey('me');
const PONG = /^pong(\|.*)?$/i;
/** A router built without a relay never draws a token (relayCommand refuses first). */
const NO_RANDOM: Random = {
  next: () => 0,
  int: (min) => min,
  bytes: (length) => Buffer.alloc(length),
};

export class Router {
  readonly #registry: Registry;
  readonly #stats: MutableChatStats;

  readonly #relay: { granter: RelayGranter | undefined; random: Random } | undefined;

  constructor(
    registry: Registry,
    stats: MutableChatStats,
    relay?: { granter: RelayGranter | undefined; random: Random },
  ) {
    this.#registry = registry;
    this.#stats = stats;
    this.#relay = relay;
  }

  route(session: Session, line: string): void {
    const answer = answerOf(line);
    // Empty lines, and answers to the server's PING (any line answers it; PONG gets no reply).
    if (answer === '' || PONG.test(answer)) return;
    const message = parseMessage(line);
    if (!message.ok) {
      session.send(errorLine(message.code, message.reason));
      return;
    }
    const sender = session.username!;
    const room = session.room!;
    const target = nameKey(message.target);
    if (target === SERVER) {
      this.#command(session, message.text);
    } else if (target === ALL) {
      this.#stats.linesRouted += room.broadcast(session, messageLine(sender, message.text));
    } else if (target === ME || target === nameKey(sender)) {
      session.send(messageLine('me', message.text));
      this.#stats.linesRouted += 1;
    } else {
      const recipient = this.#registry.user(target);
      if (recipient === undefined || recipient.room !== room) {
        session.send(
          errorLine('NO_SUCH_USER', `User ${message.target} is not in chatroom ${room.name}`),
        );
        return;
      }
      const tagged = recipient.directTag === true;
      recipient.send(tagged ? directLine(sender, message.text) : messageLine(sender, message.text));
      this.#stats.linesRouted += 1;
    }
  }

  #command(session: Session, text: string): void {
    const bar = text.indexOf('|');
    const command = (bar === -1 ? text : text.slice(0, bar)).toLowerCase();
    const argument = bar === -1 ? undefined : text.slice(bar + 1);
    switch (command) {
      case 'get_rooms':
        session.send(listLine('ROOMS', this.#registry.roomNames()));
        return;
      case 'get_room': {
        // The sender's own room: name, incarnation id and privacy (docs/PROTOCOL.md).
        const room = session.room!;
        session.send(`ROOM|${room.name}|${room.id}|${room.isPrivate ? 'private' : 'public'}`);
        return;
      }
      case 'get_peers':
        this.#peers(session, argument);
        return;
      case 'get_passwd':
        this.#password(session, argument);
        return;
      case 'help':
        session.send(
          okLine('Commands: get_rooms, get_peers, get_passwd, direct_tag, relay, exit, help'),
        );
        return;
      case 'relay':
        relayCommand(
          session,
          argument,
          this.#registry,
          this.#relay?.granter,
          this.#relay?.random ?? NO_RANDOM,
        );
        return;
      case 'direct_tag':
        session.directTag = true;
        session.send(okLine('Messages to you alone now arrive as DIRECT lines'));
        return;
      case 'exit':
        session.end(okLine(`Goodbye ${session.username}`), LEFT.exit);
        return;
      default:
        session.send(
          errorLine(
            'UNKNOWN_COMMAND',
            `Unknown server command ${command}; try get_rooms, get_peers, get_passwd, exit, help`,
          ),
        );
    }
  }

  #peers(session: Session, roomName: string | undefined): void {
    const own = session.room!;
    const room = roomName === undefined ? own : this.#registry.room(roomName);
    if (room === undefined) {
      session.send(errorLine('NO_SUCH_ROOM', `No chatroom named ${roomName}`));
    } else if (room !== own && room.isPrivate) {
      session.send(errorLine('NOT_A_MEMBER', `Chatroom ${room.name} is private`));
    } else {
      session.send(listLine('PEERS', room.memberNames()));
    }
  }

  #password(session: Session, roomName: string | undefined): void {
    const own = session.room!;
    const room = roomName === undefined ? own : this.#registry.room(roomName);
    if (room === undefined) {
      session.send(errorLine('NO_SUCH_ROOM', `No chatroom named ${roomName}`));
    } else if (room !== own) {
      session.send(errorLine('NOT_A_MEMBER', `Only members of ${room.name} may see its password`));
    } else if (room.password === undefined) {
      session.send(`PASSWD|${room.name}|public`);
    } else {
      session.send(`PASSWD|${room.name}|private|${room.password}`);
    }
  }
}
