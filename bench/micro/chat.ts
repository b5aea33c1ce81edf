/**
 * Chat server hot paths: line framing and decoding, message parsing, and routing a unicast and
 * a broadcast through the room registry (to members that only count what they are sent).
 *
 *   npx tsx bench/micro/chat.ts
 */
import { Bench } from 'tinybench';
import { decodeLine, LineFramer } from '../../impl/chat/line-framer.ts';
import { type Member, Registry } from '../../impl/chat/rooms.ts';
import { Router } from '../../impl/chat/router.ts';
import type { Session } from '../../impl/chat/session.ts';
import { createChatStats } from '../../impl/chat/stats.ts';
import { parseMessage } from '../../impl/chat/wire.ts';

/** A room member that only counts the bytes it is handed. */
class CountingMember implements Member {
  readonly username: string;
  room: Member['room'];
  bytes = 0;

  constructor(username: string) {
    this.username = username;
  }

  send(line: string): void {
    this.bytes += line.length + 1;
  }

  sendEncoded(bytes: Buffer): void {
    this.bytes += bytes.length;
  }

  end(): void {}
}

function roomOf(size: number) {
  const stats = createChatStats();
  const registry = new Registry(stats);
  const members = Array.from({ length: size }, (_, i) => new CountingMember(`user${i}`));
  for (const member of members) registry.claimName(member, member.username);
  const room = registry.openRoom(members[0], 'bench', undefined);
  for (const member of members.slice(1)) registry.join(member, room);
  // The router only touches what Member offers, plus username and room.
  const sessions = members as unknown as Session[];
  return { router: new Router(registry, stats), sessions };
}

export function register(bench: Bench): void {
  const lines = Array.from({ length: 1000 }, (_, i) => `@all|whohas|file-${i}.bin`).join('\n');
  const chunk = Buffer.from(`${lines}\n`);
  const framer = new LineFramer(4096);
  const rawLine = Buffer.from('@eswar|getfile|text|10.0.0.3|40453|2864434397|16|2048');
  const small = roomOf(10);
  const large = roomOf(1000);

  bench
    .add('chat: frame a 1000-line chunk (≈ 27 KB)', () => {
      framer.push(chunk);
    })
    .add('chat: frame and decode a 1000-line chunk', () => {
      for (const frame of framer.push(chunk)) if (frame.kind === 'raw') decodeLine(frame.bytes);
    })
    .add('chat: decode one line (UTF-8 and control checks)', () => {
      decodeLine(rawLine);
    })
    .add('chat: parse @user|text', () => {
      parseMessage('@eswar|getfile|text|10.0.0.3|40453|2864434397|16|2048');
    })
    .add('chat: route @user|text (unicast)', () => {
      small.router.route(small.sessions[1], '@user2|hello there');
    })
    .add('chat: route @all|text to a room of 10', () => {
      small.router.route(small.sessions[1], '@all|whohas|text');
    })
    .add('chat: route @all|text to a room of 1000', () => {
      large.router.route(large.sessions[1], '@all|whohas|text');
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bench = new Bench({ time: 500 });
  register(bench);
  await bench.run();
  console.table(bench.table());
}
