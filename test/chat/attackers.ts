/**
 * Hostile clients for the attack tests on the simulator: several connections from one address
 * (one simulated host), and the password-guessing dialog.
 */

import { LineClient } from '../../harness/line-client.ts';
import { loginSteps } from '../../harness/login.ts';
import type { SimHost } from '../../sim/index.ts';
import type { ChatWorld } from '../helpers/chat-world.ts';

/** A host of its own (one address) that opens as many connections to the server as asked. */
export function address(
  world: ChatWorld,
  name: string,
): { host: SimHost; connect(): Promise<LineClient> } {
  const host = world.world.simHost(name);
  const server = world.world.host('server').address;
  return { host, connect: () => LineClient.connect(host.platform, world.port, server) };
}

/**
 * Logs in as `user`, asks to join private `room` and sends the guesses one by one; returns the
 * reply to each (stopping early if the server hangs up).
 */
export async function guess(
  client: LineClient,
  user: string,
  room: string,
  guesses: readonly string[],
): Promise<string[]> {
  await client.next();
  // The dialog up to the room's name: the user's name, then `join` and the list of rooms.
  for (const step of loginSteps(user, room).slice(0, 2)) {
    client.send(step.answer);
    await client.take(step.replies.length);
  }
  client.send(room);
  const prompt = await client.next();
  if (!prompt.includes('password protected')) throw new Error(`no password prompt: ${prompt}`);
  const replies: string[] = [];
  for (const word of guesses) {
    if (client.isClosed) break;
    client.send(word);
    try {
      replies.push(await client.next());
    } catch {
      break;
    }
  }
  return replies;
}

export const codeOf = (line: string): string => line.split('|')[1] ?? line;

/** A present user: answers every PING with PONG, as a person on netcat would. */
export function answerPings(client: LineClient): void {
  client.socket.on('data', (chunk) => {
    if (chunk.toString().includes('PING|')) client.send('PONG');
  });
}

/** The next line that is not a PING. */
export const nextNotPing = (client: LineClient): Promise<string> =>
  client.until((line) => !line.startsWith('PING|'));
