/**
 * The server's admin console (docs/PROTOCOL.md, "The admin console"). execute() runs one
 * command line and returns what to print; it never touches stdin or stdout itself.
 */
import type { ClusterLink } from './cluster.ts';
import type { Member, Registry } from './rooms.ts';
import type { ChatServerStats, MutableChatStats } from './stats.ts';
import { errorLine, messageLine } from './wire.ts';

export interface AdminTarget {
  readonly registry: Registry;
  readonly stats: MutableChatStats;
  /** The servers of the cluster (`servers`, `exit --cluster`). */
  readonly cluster: ClusterLink;
  /** Starts the clean shutdown (every connection told `reason`). */
  shutdown(reason: string): void;
}

const HELP = [
  'help                      this list',
  'msg <user> <text>         send #server|<text> to one user',
  'all <text>                send #server|<text> to every user',
  'kill <user> [<reason>]    disconnect a user, telling them why',
  'rooms                     list rooms: name, public/private, users',
  'peers <room>              list the users of a room',
  'users                     list users and their rooms',
  'close <room> [<reason>]   disconnect every member of a room; the room disappears',
  'stats                     server statistics',
  'servers                   list the servers of the cluster and their users',
  'exit [<reason>]           tell every client, then shut down',
  'exit --cluster [<reason>] shut down every server of the cluster',
];

export class AdminConsole {
  readonly #target: AdminTarget;

  constructor(target: AdminTarget) {
    this.#target = target;
  }

  /** Runs one command line; returns the lines to show the operator. */
  execute(line: string): string[] {
    const { word, rest } = splitWord(line.trim());
    if (word === '') return [];
    switch (word.toLowerCase()) {
      case 'help':
        return [...HELP];
      case 'msg':
        return this.#message(rest);
      case 'all':
        return this.#messageAll(rest);
      case 'kill':
        return this.#kill(rest);
      case 'rooms':
        return this.#rooms();
      case 'peers':
        return this.#peers(rest);
      case 'users':
        return this.#target.registry.usersInRooms().map((u) => `${u.username} ${u.room!.name}`);
      case 'close':
        return this.#close(rest);
      case 'stats':
        return Object.entries(this.#target.stats as ChatServerStats).map(([k, v]) => `${k} ${v}`);
      case 'servers':
        return this.#target.cluster
          .nodes()
          .map(
            ({ node, users }) =>
              `${node} ${users.length} users${users.map((u) => ` ${u}`).join('')}`,
          );
      case 'exit': {
        const { word: flag, rest: after } = splitWord(rest);
        if (flag === '--cluster') {
          this.#target.cluster.exitAll(after === '' ? 'The cluster is shutting down' : after);
          return ['shutting down every server of the cluster'];
        }
        this.#target.shutdown(rest === '' ? 'The server is shutting down' : rest);
        return ['shutting down: every client told'];
      }
      default:
        return [`unknown command ${word}; try help`];
    }
  }

  #message(args: string): string[] {
    const { word: name, rest: text } = splitWord(args);
    if (name === '' || text === '') return ['usage: msg <user> <text>'];
    const user = this.#user(name);
    if (user === undefined) return [`no user ${name}`];
    user.send(messageLine('server', text));
    this.#target.stats.linesRouted += 1;
    return [`sent to ${user.username}`];
  }

  #messageAll(text: string): string[] {
    if (text === '') return ['usage: all <text>'];
    const users = this.#target.registry.usersInRooms();
    const bytes = Buffer.from(`${messageLine('server', text)}\n`);
    for (const user of users) user.sendEncoded(bytes);
    this.#target.stats.linesRouted += users.length;
    return [`sent to ${users.length} users`];
  }

  #kill(args: string): string[] {
    const { word: name, rest: reason } = splitWord(args);
    if (name === '') return ['usage: kill <user> [<reason>]'];
    const user = this.#user(name);
    if (user === undefined) return [`no user ${name}`];
    this.#target.stats.killed += 1;
    user.end(errorLine('KILLED', reason === '' ? 'Removed by the server admin' : reason));
    return [`killed ${user.username}`];
  }

  #rooms(): string[] {
    const rooms = this.#target.registry.rooms();
    if (rooms.length === 0) return ['no rooms'];
    return rooms.map(
      (room) => `${room.name} ${room.isPrivate ? 'private' : 'public'} ${room.members.size} users`,
    );
  }

  #peers(name: string): string[] {
    if (name === '') return ['usage: peers <room>'];
    const room = this.#target.registry.room(name);
    if (room === undefined) return [`no room ${name}`];
    return room.memberNames();
  }

  #close(args: string): string[] {
    const { word: name, rest: reason } = splitWord(args);
    if (name === '') return ['usage: close <room> [<reason>]'];
    const room = this.#target.registry.room(name);
    if (room === undefined) return [`no room ${name}`];
    const line = errorLine(
      'ROOM_CLOSED',
      reason === '' ? `Chatroom ${room.name} was closed by the server admin` : reason,
    );
    const members = [...room.members];
    this.#target.stats.killed += members.length;
    // No LEFT notices: everyone in the room is being told the room closed.
    for (const member of members) member.end(line, null);
    return [`closed ${room.name}: ${members.length} users disconnected`];
  }

  #user(name: string): Member | undefined {
    const user = this.#target.registry.user(name);
    return user?.room === undefined ? undefined : user;
  }
}

function splitWord(text: string): { word: string; rest: string } {
  const match = /^(\S*)\s*(.*)$/s.exec(text.trim());
  return { word: match?.[1] ?? '', rest: match?.[2] ?? '' };
}
