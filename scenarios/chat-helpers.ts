/**
 * Building blocks the chat families share: a room with two well-behaved users, and checks on
 * what a client did or did not receive.
 */

import type { LineClient } from '../harness/line-client.ts';
import type { ChatLimits } from '../impl/chat/limits.ts';
import { invariant } from './invariants.ts';
import type { ScenarioWorld } from './world.ts';

export interface ChatRoom {
  alice: LineClient;
  bob: LineClient;
}

/** A server and a public room `lobby` with alice (creator) and bob. */
export async function chatRoom(
  world: ScenarioWorld,
  limits: Partial<ChatLimits> = {},
  room = 'lobby',
): Promise<ChatRoom> {
  if (world.servers.length === 0) await world.startServer({ limits });
  const alice = await world.login('alice', room, { create: true });
  const bob = await world.login('bob', room);
  await world.until(alice.expect('INFO|JOINED|bob|'));
  return { alice, bob };
}

/**
 * Sends `@me|<marker>` and waits for it to come back: every reply to lines sent before it has
 * then arrived, so `repliesBefore` shows exactly what those lines produced.
 */
export async function sync(
  world: ScenarioWorld,
  client: LineClient,
  marker: string,
): Promise<string[]> {
  const before = client.lines.length;
  client.send(`@me|${marker}`);
  await world.until(client.expect(`#me|${marker}`));
  const lines = client.lines.slice(before);
  return lines.slice(0, lines.indexOf(`#me|${marker}`));
}

/** Asserts `client` received exactly `expected` (in order) since `fromIndex`. */
export function receivedExactly(client: LineClient, fromIndex: number, expected: string[]): void {
  const got = client.lines.slice(fromIndex);
  invariant(
    got.length === expected.length && got.every((line, i) => line === expected[i]),
    `${client.label} expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`,
  );
}

export function noLineMatching(
  client: { readonly label?: string; readonly name?: string; readonly lines: readonly string[] },
  pattern: RegExp,
  why: string,
): void {
  const bad = client.lines.find((line) => pattern.test(line));
  invariant(bad === undefined, `${client.label ?? client.name} ${why}: ${JSON.stringify(bad)}`);
}

/**
 * Sends `lines` (raw strings, each already ending as the scenario wants), then syncs and asserts
 * the replies: each must start with its expected prefix, and there must be no others.
 */
export async function expectReplies(
  world: ScenarioWorld,
  client: LineClient,
  lines: Array<string | Uint8Array>,
  expected: string[],
  marker = `sync ${client.lines.length}`,
): Promise<string[]> {
  for (const line of lines) client.sendRaw(line);
  const replies = await sync(world, client, marker);
  invariant(
    replies.length === expected.length && replies.every((line, i) => line.startsWith(expected[i])),
    `${client.label} expected replies ${JSON.stringify(expected)}, got ${JSON.stringify(replies)}`,
  );
  return replies;
}

/**
 * For the login dialog, where no line is a no-op to sync on: sends `lines`, then asserts the
 * next `expected.length` lines start with the expected prefixes, in order.
 */
export async function expectDialog(
  world: ScenarioWorld,
  client: LineClient,
  lines: string[],
  expected: string[],
): Promise<void> {
  for (const line of lines) client.sendRaw(line);
  for (const prefix of expected) {
    const line = await world.until(client.expect(() => true, `a reply starting ${prefix}`));
    invariant(line.startsWith(prefix), `${client.label} expected ${prefix}..., got ${line}`);
  }
}
