/**
 * Hostile clients for the attack tests on the simulator: several connections from one address
 * (one simulated host), and the password-guessing dialog.
 */
import type { SimHost } from '../../sim/index.ts';
import { ChatTestClient } from '../helpers/chat-client.ts';
import type { ChatWorld } from '../helpers/chat-world.ts';

/** A host of its own (one address) that opens as many connections to the server as asked. */
export function address(
  world: ChatWorld,
  name: string,
): { host: SimHost; connect(): Promise<ChatTestClient> } {
  const sim = world.sim!;
  const host = sim.addHost(name);
  const server = sim.host('server').address;
  return { host, connect: () => ChatTestClient.connect(host.platform, world.port, server) };
}

/**
 * Logs in as `user`, asks to join private `room` and sends the guesses one by one; returns the
 * reply to each (stopping early if the server hangs up).
 */
export async function guess(
  client: ChatTestClient,
  user: string,
  room: string,
  guesses: readonly string[],
): Promise<string[]> {
  await client.next();
  client.send(user);
  await client.next();
  client.send('join');
  await client.take(2);
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
export function answerPings(client: ChatTestClient): void {
  client.socket.on('data', (chunk) => {
    if (chunk.toString().includes('PING|')) client.send('PONG');
  });
}

/** The next line that is not a PING. */
export const nextNotPing = (client: ChatTestClient): Promise<string> =>
  client.until((line) => !line.startsWith('PING|'));
