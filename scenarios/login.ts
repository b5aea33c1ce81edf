/**
 * Murphy's law for the login dialog: every refusal has its code, the step is repeated, five
 * refusals hang up, and nothing a failed login did stays behind (names and rooms free again).
 */

import type { LineClient } from '../harness/line-client.ts';
import { chatRoom, expectDialog, noLineMatching } from './chat-helpers.ts';
import { proves, refusalsIn } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';
import type { ScenarioWorld } from './world.ts';

const LONGEST_NAME = '𝄞'.repeat(2) + 'n'.repeat(30);

/** A connection that has seen the greeting. */
async function greeted(world: ScenarioWorld, label: string): Promise<LineClient> {
  const client = await world.connect(label);
  await world.until(client.expect('OK|Welcome to whohas.'));
  return client;
}

/** A new connection `label` that sends `lines` (each a line, newline added) and gets `expected`. */
async function dialog(
  world: ScenarioWorld,
  label: string,
  lines: string[],
  expected: string[],
): Promise<LineClient> {
  const client = await greeted(world, label);
  await expectDialog(
    world,
    client,
    lines.map((line) => `${line}\n`),
    expected,
  );
  return client;
}

/** A login scenario made only of dialogs on a fresh server (or beside `chatRoom`). */
function dialogScenario(spec: {
  name: string;
  description: string;
  inRoom?: boolean;
  dialogs: Array<{ label: string; lines: string[]; expected: string[]; wellBehaved?: boolean }>;
}) {
  return {
    name: spec.name,
    description: spec.description,
    tags: ['real'],
    link: 'lan' as const,
    evidence: proves(...refusalsIn(spec.dialogs.flatMap((d) => d.expected))),
    async script(world: ScenarioWorld) {
      if (spec.inRoom) await chatRoom(world);
      else await world.startServer();
      for (const { label, lines, expected, wellBehaved } of spec.dialogs) {
        const client = await dialog(world, label, lines, expected);
        if (wellBehaved) world.record(client).wellBehaved = true;
      }
    },
  };
}

export const login = family('login', [
  dialogScenario({
    name: 'duplicate-name',
    description: 'A taken username (in any case) is NAME_TAKEN; another name then works',
    inRoom: true,
    dialogs: [
      {
        label: 'mallory',
        lines: ['alice', 'ALICE', ' bob ', 'alice2', 'join', 'lobby'],
        expected: [
          ...Array(3).fill('ERROR|NAME_TAKEN|'),
          'OK|Username alice2 ',
          'OK|Here is a list',
          'ROOMS|lobby',
          'OK|You have joined',
          'PEERS|alice|bob',
          'OK|Welcome',
        ],
        wellBehaved: true,
      },
    ],
  }),
  dialogScenario({
    name: 'reserved-names',
    description: 'server, all, me, root in any case are RESERVED_NAME',
    dialogs: [
      {
        label: 'mallory',
        lines: ['server', 'ALL', 'Me', 'root', 'rooted'],
        expected: [...Array(4).fill('ERROR|RESERVED_NAME|'), 'OK|Username rooted accepted'],
      },
    ],
  }),
  dialogScenario({
    name: 'names-with-separators',
    description: 'Names with | @ # or spaces are BAD_NAME, as usernames and as room names',
    dialogs: [
      {
        label: 'mallory',
        lines: ['a|b', 'a@b', 'a#b', 'mal lory', 'mallory'],
        expected: [...Array(4).fill('ERROR|BAD_NAME|'), 'OK|Username mallory accepted'],
      },
      {
        label: 'eve',
        lines: ['eve', 'create', 'my room', 'a|b', 'a@b', 'a#b', 'ok-room', 'no'],
        expected: [
          'OK|Username eve',
          'OK|Specify a chatroom',
          ...Array(4).fill('ERROR|BAD_ROOM_NAME|'),
          'OK|Chatroom ok-room created',
          'OK|Chatroom has been made public.',
          'OK|Welcome',
        ],
        wellBehaved: true,
      },
    ],
  }),
  dialogScenario({
    name: 'empty-and-long-names',
    description: 'An empty answer is ignored; 33 characters is BAD_NAME; 32 (even astral) pass',
    dialogs: [
      {
        label: 'longname',
        lines: ['', '   ', 'n'.repeat(33), LONGEST_NAME],
        expected: ['ERROR|BAD_NAME|', `OK|Username ${LONGEST_NAME} accepted`],
      },
    ],
  }),
  {
    name: 'missing-room',
    description: 'join with no rooms, and join of an unknown room, are NO_SUCH_ROOM',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NO_SUCH_ROOM', atLeast: 2 }),
    async script(world) {
      await world.startServer();
      const early = await dialog(
        world,
        'early',
        ['early', 'join'],
        ['OK|Username', 'ERROR|NO_SUCH_ROOM|'],
      );
      await chatRoom(world);
      await expectDialog(
        world,
        early,
        ['join\n', 'nowhere\n', 'LOBBY\n'],
        [
          'OK|Here is a list',
          'ROOMS|lobby',
          'ERROR|NO_SUCH_ROOM|',
          'OK|You have joined',
          'PEERS|alice|bob',
          'OK|Welcome to lobby.',
        ],
      );
      world.record(early).wellBehaved = true;
    },
  },
  {
    name: 'five-wrong-passwords',
    description: 'Five wrong passwords: TOO_MANY_TRIES and hang-up; the right one still works',
    tags: ['real'],
    link: 'lan',
    evidence: proves(
      { counter: 'error.WRONG_PASSWORD', atLeast: 5 },
      'error.TOO_MANY_TRIES',
      'server.cutOff',
    ),
    async script(world) {
      await world.startServer();
      const alice = await world.login('alice', 'vault', { create: true, password: 's3cret' });
      const mallory = await greeted(world, 'mallory');
      world.retire(mallory);
      for (const line of ['mallory', 'join', 'vault', 'a', 'b', 'c', 'd', 'e']) mallory.send(line);
      await world.until(mallory.expect('OK|Chatroom vault is password protected.'));
      for (let i = 0; i < 5; i++) await world.expectError(mallory, 'WRONG_PASSWORD');
      await world.expectError(mallory, 'TOO_MANY_TRIES');
      await world.until(mallory.whenClosed());
      await world.login('bob', 'vault', { password: 's3cret' });
      await world.until(alice.expect('INFO|JOINED|bob|'));
      noLineMatching(alice, /mallory/, 'heard about a failed login');
      // The name of a failed login is free again.
      await world.login('mallory', 'elsewhere', { create: true });
    },
  },
  {
    name: 'existing-room-on-create',
    description: 'Creating an existing room (any case, or one reserved mid-dialog) is ROOM_EXISTS',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.ROOM_EXISTS', atLeast: 3 }),
    async script(world) {
      await chatRoom(world);
      const slow = await dialog(
        world,
        'slow',
        ['slow', 'create', 'pending'],
        ['OK|Username', 'OK|Specify', 'OK|Chatroom pending created'],
      );
      const eve = await dialog(
        world,
        'eve',
        ['eve', 'create', 'lobby', 'Lobby', 'PENDING'],
        ['OK|Username', 'OK|Specify', ...Array(3).fill('ERROR|ROOM_EXISTS|')],
      );
      // The creator leaves mid-dialog: the reserved name is free again.
      slow.destroy();
      world.retire(slow);
      await world.until(slow.whenClosed());
      await world.sleep(10);
      await expectDialog(
        world,
        eve,
        ['pending\n', 'no\n'],
        [
          'OK|Chatroom pending created',
          'OK|Chatroom has been made public.',
          'OK|Welcome to pending.',
        ],
      );
      world.record(eve).wellBehaved = true;
    },
  },
  {
    name: 'chat-before-login',
    description: '@ and # lines before login are NOT_LOGGED_IN and reach nobody',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NOT_LOGGED_IN', atLeast: 3 }),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      await dialog(
        world,
        'mallory',
        ['@all|hello', '#alice|forged', 'mallory', '@bob|hi', 'join'],
        [
          'ERROR|NOT_LOGGED_IN|',
          'ERROR|NOT_LOGGED_IN|',
          'OK|Username',
          'ERROR|NOT_LOGGED_IN|',
          'OK|Here is a list',
          'ROOMS|lobby',
        ],
      );
      for (const client of [alice, bob]) {
        noLineMatching(client, /hello|forged|#mallory/, 'received a line sent before login');
      }
    },
  },
  {
    name: 'login-never-finishes',
    description: 'A dialog left open times out with LOGIN_TIMEOUT; its name and room are freed',
    tags: [],
    link: 'lan',
    budget: { faultMs: 180_000 },
    evidence: proves('error.LOGIN_TIMEOUT', 'server.cutOff'),
    async script(world) {
      const { alice } = await chatRoom(world);
      const idle = await greeted(world, 'idle');
      world.retire(idle);
      await expectDialog(
        world,
        idle,
        ['idle\n', 'create\n', 'limbo\n'],
        ['OK|Username', 'OK|Specify', 'OK|Chatroom limbo created'],
      );
      await world.expectError(idle, 'LOGIN_TIMEOUT');
      await world.until(idle.whenClosed());
      invariant(world.elapsedMs() >= 60_000, `timed out after only ${world.elapsedMs()} ms`);
      await world.login('idle', 'limbo', { create: true });
      noLineMatching(alice, /idle/, 'heard about an unfinished login');
    },
  },
]);
