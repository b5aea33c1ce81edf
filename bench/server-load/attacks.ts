/**
 * The hostile clients of issue "Murphy's law, proven", on real loopback against a server with
 * default limits, in this process (the attack is not the measured side; the server's answers are):
 *   guess:     password guessing at one private room from many connections; guesses checked/s
 *   slowloris: dialogs parked from 40 loopback addresses (127.0.0.x), re-parked when closed;
 *              how long a newcomer from another address is refused
 *   idle:      logged-in connections that never answer, from 10 addresses; how long a newcomer
 *              is refused (pass --ping-idle / --ping-timeout in ms to shorten the wait)
 *
 *   npx tsx bench/server-load/attacks.ts --attack guess --seconds 10
 *   npx tsx bench/server-load/attacks.ts --attack slowloris --seconds 30
 *   npx tsx bench/server-load/attacks.ts --attack idle --seconds 150
 */
import * as net from 'node:net';
import { parseArgs } from 'node:util';
import { loginAnswers } from '../../harness/login.ts';
import { ChatServer } from '../../impl/chat/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

const { values } = parseArgs({
  options: {
    attack: { type: 'string', default: 'guess' },
    seconds: { type: 'string', default: '10' },
    'ping-idle': { type: 'string' },
    'ping-timeout': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const limits: Record<string, number> = {};
if (values['ping-idle'] !== undefined) limits.pingIdleMs = Number(values['ping-idle']);
if (values['ping-timeout'] !== undefined) limits.pingTimeoutMs = Number(values['ping-timeout']);

/** A raw client from `local` (a 127.0.0.x address) that collects lines. */
function connect(port: number, local: string) {
  return new Promise<{ socket: net.Socket; lines: string[]; closed: Promise<void> }>(
    (resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress: local });
      const lines: string[] = [];
      let rest = '';
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        const parts = (rest + text).split('\n');
        rest = parts.pop() ?? '';
        lines.push(...parts);
      });
      socket.on('error', () => {});
      const closed = new Promise<void>((done) => socket.on('close', () => done()));
      socket.once('connect', () => resolve({ socket, lines, closed }));
      socket.once('error', reject);
    },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (test: () => boolean, ms = 5_000) => {
  for (const start = Date.now(); !test() && Date.now() - start < ms; ) await sleep(5);
};

/** Lines as one write, each ended by a newline (the server takes pipelined answers in order). */
const typed = (lines: string[]): string => lines.map((line) => `${line}\n`).join('');

async function guess(port: number): Promise<void> {
  const owner = await connect(port, '127.0.0.1');
  owner.socket.write(typed(loginAnswers('owner', 'vault', { create: true, password: 'zzzz' })));
  await until(() => owner.lines.length >= 6);
  const counts = { WRONG_PASSWORD: 0, TOO_MANY_ATTEMPTS: 0 };
  const stopAt = Date.now() + seconds * 1000;
  let n = 0;
  // 200 attackers at a time from 20 addresses, 5 guesses per connection, over and over.
  const worker = async (w: number) => {
    while (Date.now() < stopAt) {
      const c = await connect(port, `127.0.0.${10 + (w % 20)}`);
      const guesses = Array.from({ length: 5 }, () => `g${n++}`);
      c.socket.write(`bot${w}x${n}\njoin\nvault\n${guesses.join('\n')}\n`);
      await Promise.race([c.closed, sleep(2_000)]);
      for (const line of c.lines) {
        const code = line.split('|')[1] as keyof typeof counts;
        if (code in counts) counts[code] += 1;
      }
      c.socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: 200 }, (_, w) => worker(w)));
  console.log(
    `guess: ${seconds} s, 200 connections at a time from 20 addresses: ` +
      `${counts.WRONG_PASSWORD} passwords checked (${(counts.WRONG_PASSWORD / seconds).toFixed(1)}/s), ` +
      `${counts.TOO_MANY_ATTEMPTS} refused unchecked with TOO_MANY_ATTEMPTS`,
  );
  owner.socket.destroy();
}

/** Newcomers from 127.0.1.1 every 250 ms; returns the longest run of refusals, in ms. */
async function newcomers(port: number, stopAt: number) {
  let refusedSince: number | undefined;
  let longest = 0;
  let admitted = 0;
  while (Date.now() < stopAt) {
    const c = await connect(port, '127.0.1.1');
    await until(() => c.lines.length > 0, 2_000);
    const ok = c.lines[0]?.startsWith('OK|Welcome');
    if (ok) {
      admitted += 1;
      if (refusedSince !== undefined) longest = Math.max(longest, Date.now() - refusedSince);
      refusedSince = undefined;
    } else refusedSince ??= Date.now();
    c.socket.destroy();
    await sleep(250);
  }
  if (refusedSince !== undefined) longest = Math.max(longest, Date.now() - refusedSince);
  return { longest, admitted };
}

async function slowloris(port: number): Promise<void> {
  let parked = 0;
  let stopping = false;
  const park = async (address: string): Promise<void> => {
    while (!stopping) {
      const c = await connect(port, address).catch(() => undefined);
      if (c === undefined) return;
      parked += 1;
      await c.closed; // re-park as soon as the server lets go
      parked -= 1;
    }
  };
  for (let a = 0; a < 40; a++) for (let i = 0; i < 30; i++) void park(`127.0.0.${10 + a}`);
  await sleep(1_000);
  const result = await newcomers(port, Date.now() + seconds * 1000);
  stopping = true;
  console.log(
    `slowloris: 1,200 dialogs parked from 40 addresses and re-parked at once (${parked} open at the end); ` +
      `newcomer admitted ${result.admitted} times, longest refusal ${(result.longest / 1000).toFixed(1)} s`,
  );
}

async function idle(port: number, server: ChatServer): Promise<void> {
  const silent: net.Socket[] = [];
  const attackStart = Date.now();
  for (let i = 0; i < 1030; i++) {
    const c = await connect(port, `127.0.0.${10 + (i % 10)}`).catch(() => undefined);
    if (c === undefined) break;
    c.socket.write(typed(loginAnswers(`s${i}`, 'den', { create: i === 0 })));
    silent.push(c.socket);
    if (i === 0) await until(() => c.lines.length >= 6);
  }
  await sleep(2_000);
  const users = server.stats.users;
  const loggedIn = (Date.now() - attackStart) / 1000;
  const result = await newcomers(port, attackStart + seconds * 1000);
  console.log(
    `idle: ${users} silent users logged in within ${loggedIn.toFixed(1)} s (${silent.length} connections); ` +
      `newcomer admitted ${result.admitted} times, longest refusal ${(result.longest / 1000).toFixed(1)} s; ` +
      `server dropped ${server.stats.pingTimeouts} for not answering PING`,
  );
  for (const socket of silent) socket.destroy();
}

const server = new ChatServer({ platform: createNodePlatform(), port: 0, ...limits });
const { port } = await server.listen();
console.log(
  `attack ${values.attack} on 127.0.0.1:${port}, default limits ${JSON.stringify(limits)}`,
);
if (values.attack === 'guess') await guess(port);
else if (values.attack === 'slowloris') await slowloris(port);
else await idle(port, server);
await server.close('bench over');
process.exit(0);
