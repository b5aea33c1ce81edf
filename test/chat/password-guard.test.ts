/**
 * Password guessing (issue "Murphy's law, proven": a 4-letter password fell in 8.6 s at 26,700
 * guesses/s). Failed passwords are limited per address and per room with exponential backoff,
 * and password checks server-wide per second; a blocked guess is never checked, so the right
 * password gets the same refusal (no oracle). Users of other rooms and addresses are unaffected.
 */
import test from 'ava';
import { onSim } from '../helpers/chat-world.ts';
import { address, codeOf, guess } from './attackers.ts';

const wrong = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `guess${from + i}`);
const count = (replies: string[], code: string) => replies.filter((r) => codeOf(r) === code).length;

test(
  'one address guessing over many connections is blocked past 5 failures; others still join',
  onSim,
  async (t, world) => {
    await world.login('owner', 'vault', { create: true, password: 'zzzz' });
    await world.login('carol', 'other', { create: true, password: 'pw' });
    const attacker = address(world, 'attacker');
    const replies: string[] = [];
    for (let c = 0; c < 10; c++) {
      replies.push(...(await guess(await attacker.connect(), `a${c}`, 'vault', wrong(4, 4 * c))));
    }
    // Before the limits: 40 passwords checked, 40 WRONG_PASSWORD. Now 5 free, then a 6th.
    t.is(count(replies, 'WRONG_PASSWORD'), 6);
    t.is(count(replies, 'TOO_MANY_ATTEMPTS'), 34);
    t.regex(replies.at(-1)!, /^ERROR\|TOO_MANY_ATTEMPTS\|.*retry after \d+ s/);
    // Blocked means not checked: the right password is refused the same way.
    const [right] = await guess(await attacker.connect(), 'a99', 'vault', ['zzzz']);
    t.is(codeOf(right), 'TOO_MANY_ATTEMPTS');
    // Other addresses are unaffected, in this room and in others.
    await world.login('dave', 'vault', { password: 'zzzz' });
    await world.login('erin', 'other', { password: 'pw' });
    t.true(world.server.stats.passwordsThrottled >= 35);
  },
);

test(
  'many addresses guessing one room are slowed by the room limit; other rooms are unaffected',
  onSim,
  async (t, world) => {
    await world.login('owner', 'vault', { create: true, password: 'zzzz' });
    await world.login('carol', 'other', { create: true, password: 'pw' });
    const replies: string[] = [];
    for (let a = 0; a < 30; a++) {
      const client = await address(world, `bot${a}`).connect();
      replies.push(...(await guess(client, `bot${a}`, 'vault', wrong(3, 3 * a))));
    }
    // Before the limits: 90 checked. Now 20 free failures for the room, then backoff.
    t.true(count(replies, 'WRONG_PASSWORD') <= 22, `${count(replies, 'WRONG_PASSWORD')} checked`);
    t.true(count(replies, 'TOO_MANY_ATTEMPTS') >= 68);
    await world.login('erin', 'other', { password: 'pw' });
  },
);

test(
  'the backoff doubles with each failure and ends: then the right password works',
  onSim,
  async (t, world) => {
    await world.login('owner', 'vault', { create: true, password: 'zzzz' });
    const me = address(world, 'forgetful');
    const first = await guess(await me.connect(), 'u1', 'vault', wrong(4));
    const second = await guess(await me.connect(), 'u2', 'vault', wrong(3, 4));
    t.deepEqual(second.map(codeOf), ['WRONG_PASSWORD', 'WRONG_PASSWORD', 'TOO_MANY_ATTEMPTS']);
    t.deepEqual(first.map(codeOf), Array(4).fill('WRONG_PASSWORD'));
    t.regex(second[2], /retry after 1 s/);
    await world.sleep(1_000);
    const third = await guess(await me.connect(), 'u3', 'vault', ['guess9', 'zzzz']);
    t.is(codeOf(third[0]), 'WRONG_PASSWORD');
    t.regex(third[1], /^ERROR\|TOO_MANY_ATTEMPTS\|.*retry after 2 s/);
    await world.sleep(2_000);
    const client = await me.connect();
    const [joined] = await guess(client, 'u4', 'vault', ['zzzz']);
    t.is(joined, 'OK|You have joined chatroom - vault');
  },
);

test(
  'password checks are capped server-wide per second',
  onSim,
  async (t, world) => {
    await world.login('owner', 'vault', { create: true, password: 'zzzz' });
    const bots = await Promise.all(
      Array.from({ length: 15 }, (_, a) => address(world, `bot${a}`).connect()),
    );
    const replies = (
      await Promise.all(bots.map((client, a) => guess(client, `bot${a}`, 'vault', [`g${a}`])))
    ).flat();
    t.is(count(replies, 'WRONG_PASSWORD'), 10);
    t.is(count(replies, 'TOO_MANY_ATTEMPTS'), 5);
    await world.sleep(1_000);
    await world.login('dave', 'vault', { password: 'zzzz' });
  },
  { passwordChecksPerSecond: 10 },
);
