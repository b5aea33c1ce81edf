/**
 * What this server has told Redis: its users (claimed names and their rooms) and the scrypt
 * records of their private rooms. When Redis returns (restarted, data gone, or a cut healed) the
 * ledger is written back, so the cluster sees again exactly what this server holds.
 */
import type { Room } from '../chat/rooms.ts';
import { nameKey } from '../chat/wire.ts';
import type { PasswordHash } from './passwords.ts';
import type { RedisStore } from './store.ts';

export class Ledger {
  /** By name key. */
  readonly #users = new Map<string, { name: string; room: Room | undefined }>();
  /** By room id. */
  readonly #hashes = new Map<string, PasswordHash>();

  claimed(name: string, room?: Room): void {
    this.#users.set(nameKey(name), { name, room });
  }

  left(name: string, room: Room | undefined): void {
    this.#users.delete(nameKey(name));
    // Told before the room lets the leaver go: the last local member forgets the room's hash.
    const others = [...(room?.members ?? [])].some(
      (m) => m.node === undefined && m.username !== name,
    );
    if (room !== undefined && !others) {
      this.#hashes.delete(room.id);
    }
  }

  hashed(room: Room, hash: PasswordHash): void {
    this.#hashes.set(room.id, hash);
  }

  /** The names of this server's users in rooms. */
  inRooms(): string[] {
    return [...this.#users.values()].filter((u) => u.room !== undefined).map((u) => u.name);
  }

  /** Claims every name again and writes the rooms back; returns the names taken meanwhile. */
  async writeBack(store: RedisStore): Promise<string[]> {
    const lost: string[] = [];
    for (const [key, { name, room }] of this.#users) {
      const roomKey = room === undefined ? '' : nameKey(room.name);
      if ((await store.claim(key, name, roomKey)) !== 1) {
        this.#users.delete(key);
        lost.push(name);
        continue;
      }
      if (room === undefined) continue;
      // The first of the room's servers to return writes it, with its scrypt record.
      const info = { name: room.name, id: room.id, isPrivate: room.isPrivate };
      const fresh = !(await store.roomExists(roomKey));
      await store.enter(
        key,
        name,
        roomKey,
        fresh ? { ...info, ...this.#hashes.get(room.id) } : undefined,
      );
    }
    return lost;
  }
}
