/**
 * Room identity (docs/PROTOCOL.md, "Room identity"): the server names each incarnation of a room
 * with a random id and answers `@server|get_room` with `ROOM|<name>|<id>|private|public`. A peer
 * asks right after entering and refuses a room that is not what it trusted:
 *
 * - ROOM_NOT_PRIVATE: we came with a password, the room is public (someone recreated it);
 * - ROOM_CHANGED: the id differs from the one pinned on first use (a new incarnation), unless
 *   the user accepts the change, which pins the new id.
 *
 * Pins live in a small JSON file (`{ "<host>:<port>/<room key>": "<id>" }`) on the platform's
 * file system, written whole on each change.
 */
import { posix } from 'node:path';
import { nameKey } from '../chat/wire.ts';
import { WhohasError } from '../errors.ts';
import type { Clock, FileSystem, TimerHandle } from '../platform/types.ts';
import { PINS_FILE } from './file-names.ts';
import type { ServerAddress } from './limits.ts';
import type { ChatSession } from './session.ts';

export interface RoomIdentity {
  room: string;
  id: string;
  private: boolean;
}

/** Where pinned room ids are kept: keyed by server and room. */
export interface RoomPins {
  get(key: string): Promise<string | undefined>;
  set(key: string, id: string): Promise<void>;
}

export { PINS_FILE };

export function roomPinKey(server: ServerAddress | undefined, room: string): string {
  return `${server ? `${server.host}:${server.port}` : 'default'}/${nameKey(room)}`;
}

/** Pins in one JSON file; a missing file is no pins, an unreadable one is an IO_ERROR. */
export class FileRoomPins implements RoomPins {
  readonly #fs: FileSystem;
  readonly #path: string;

  constructor(fs: FileSystem, path: string) {
    this.#fs = fs;
    this.#path = path;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#read())[key];
  }

  async set(key: string, id: string): Promise<void> {
    const pins = await this.#read();
    pins[key] = id;
    await this.#fs.mkdir(posix.dirname(this.#path));
    await this.#fs.writeFile(this.#path, Buffer.from(`${JSON.stringify(pins, null, 2)}\n`));
  }

  async #read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = (await this.#fs.readFile(this.#path)).toString('utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return {};
      throw new WhohasError('IO_ERROR', `cannot read the room pins ${this.#path}: ${error}`);
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return parsed as Record<string, string>;
      }
    } catch {
      // fall through
    }
    throw new WhohasError('IO_ERROR', `the room pins file ${this.#path} is not a JSON object`);
  }
}

/**
 * Sends `@server|get_room` and resolves with the answer; undefined when the server does not know
 * the command (a server from before room ids). Rejects with LOGIN_TIMEOUT after `timeoutMs`.
 */
export function askRoomIdentity(
  session: ChatSession,
  clock: Clock,
  timeoutMs: number,
): Promise<RoomIdentity | undefined> {
  return new Promise((resolve, reject) => {
    let timer: TimerHandle | undefined;
    const finish = (identity: RoomIdentity | undefined, error?: WhohasError) => {
      clock.clearTimeout(timer);
      session.off('room-line', onLine);
      session.off('gone', onGone);
      if (error) reject(error);
      else resolve(identity);
    };
    const onLine = (line: string) => {
      const fields = line.split('|');
      if (fields[0] === 'ROOM' && fields.length === 4) {
        finish({ room: fields[1], id: fields[2], private: fields[3] === 'private' });
      } else if (line.startsWith('ERROR|UNKNOWN_COMMAND|') && line.includes('get_room')) {
        finish(undefined);
      }
    };
    const onGone = (error: WhohasError) => finish(undefined, error);
    session.on('room-line', onLine);
    session.on('gone', onGone);
    timer = clock.setTimeout(
      () =>
        finish(
          undefined,
          new WhohasError('LOGIN_TIMEOUT', `the server did not answer get_room in ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    if (!session.send('@server|get_room')) {
      finish(undefined, new WhohasError('SERVER_GONE', 'the server connection is gone'));
    }
  });
}

export interface RoomCheck {
  /** We entered with a password: the room must be private. */
  password: boolean;
  /** We created the room: its id is pinned, whatever was pinned before. */
  created: boolean;
  pins: RoomPins | undefined;
  key: string;
  /** Accept (and pin) an id that differs from the pinned one. */
  acceptChange: boolean;
}

/** Throws ROOM_NOT_PRIVATE or ROOM_CHANGED; pins the id on first use (and when accepted). */
export async function checkRoom(
  identity: RoomIdentity | undefined,
  check: RoomCheck,
): Promise<void> {
  const pinned = await check.pins?.get(check.key);
  if (identity === undefined) {
    // A server without room ids cannot prove anything we rely on.
    if (check.password || pinned !== undefined) {
      throw new WhohasError(
        'ROOM_CHANGED',
        `the server does not tell room ids (no get_room): cannot confirm room ${check.key} is the one trusted`,
      );
    }
    return;
  }
  if (check.password && !identity.private && !check.created) {
    throw new WhohasError(
      'ROOM_NOT_PRIVATE',
      `room ${identity.room} is public now, but we came with a password: it was recreated by someone else (id ${identity.id}); nothing downloaded`,
    );
  }
  if (check.pins === undefined) return;
  if (pinned === identity.id) return;
  if (pinned !== undefined && !check.created && !check.acceptChange) {
    throw new WhohasError(
      'ROOM_CHANGED',
      `room ${identity.room} is a new incarnation (id ${identity.id}, pinned ${pinned}): it was emptied and recreated, maybe by someone else; accept it with --accept-room-change`,
    );
  }
  await check.pins.set(check.key, identity.id);
}

/**
 * Asks the room's identity and checks it (checkRoom). On a refusal the session is closed: the
 * peer never stays in a room it does not trust.
 */
export async function verifyRoom(
  session: ChatSession,
  clock: Clock,
  timeoutMs: number,
  check: Omit<RoomCheck, 'key'> & { room: string },
): Promise<void> {
  try {
    const identity = await askRoomIdentity(session, clock, timeoutMs);
    await checkRoom(identity, { ...check, key: roomPinKey(session.server, check.room) });
  } catch (error) {
    await session.close();
    throw error;
  }
}
