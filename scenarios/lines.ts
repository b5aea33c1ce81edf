/**
 * Murphy's law for the chat line codec: odd, malformed and badly framed lines from a logged-in
 * user. Each gets its exact reply (or none), nobody else sees it, and the connection is kept
 * until the bad lines repeat.
 */

import type { LineClient } from '../harness/line-client.ts';
import { chatRoom, expectReplies, noLineMatching, receivedExactly, sync } from './chat-helpers.ts';
import { proves, refusalsIn } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';
import type { ScenarioWorld } from './world.ts';

const MAX_LINE_BYTES = 4096;

/** mallory in the lobby, there to be cut off (the liveness probe skips her). */
async function doomedMallory(world: ScenarioWorld): Promise<LineClient> {
  const mallory = await world.login('mallory', 'lobby');
  world.retire(mallory);
  return mallory;
}

/** mallory is told `code` and hung up on; `witness` hears that she left. */
async function cutOff(
  world: ScenarioWorld,
  mallory: LineClient,
  code: string,
  witness: LineClient,
) {
  await world.expectError(mallory, code);
  await world.until(mallory.whenClosed());
  await world.until(witness.expect('INFO|LEFT|mallory|'));
}

/** alice's `sent` lines each get the `expected` error, and bob sees none of them. */
function refused(name: string, description: string, sent: string[], expected: string[]) {
  return {
    name,
    description,
    tags: ['real'],
    link: 'lan' as const,
    evidence: proves(...refusalsIn(expected)),
    async script(world: ScenarioWorld) {
      const { alice, bob } = await chatRoom(world);
      await expectReplies(world, alice, sent, expected);
      noLineMatching(bob, /^#alice\|/, 'received a refused line');
    },
  };
}

export const lines = family('lines', [
  {
    name: 'empty-line',
    description: 'Empty and blank lines get no reply and reach nobody',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: 'the input is well-formed blank lines: the script asserts the exact silence, and silence moves no counter',
    },
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const bobBefore = bob.lines.length;
      await expectReplies(world, alice, ['\n', '\r\n', '  \t\n', '\n\n\n'], []);
      await sync(world, bob, 'bob is here');
      receivedExactly(bob, bobBefore, ['#me|bob is here']);
    },
  },
  refused(
    'no-at',
    'Lines that are not @target|text are refused with BAD_FORMAT or EMPTY_MESSAGE',
    ['hello there\n', 'all|hi\n', '@bob\n', '@|hi\n', '@bob|\n'],
    [...Array(4).fill('ERROR|BAD_FORMAT|'), 'ERROR|EMPTY_MESSAGE|'],
  ),
  {
    name: 'unknown-target',
    description: 'Unknown users and users of another room get NO_SUCH_USER; nothing is delivered',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NO_SUCH_USER', atLeast: 3 }),
    async script(world) {
      const { alice } = await chatRoom(world);
      const carol = await world.login('carol', 'elsewhere', { create: true });
      await expectReplies(
        world,
        alice,
        ['@nobody|hi\n', '@carol|psst\n', '@CAROL|psst\n'],
        ['ERROR|NO_SUCH_USER|', 'ERROR|NO_SUCH_USER|', 'ERROR|NO_SUCH_USER|'],
      );
      await sync(world, carol, 'carol is here');
      noLineMatching(carol, /^#alice\|/, 'received a message from another room');
    },
  },
  refused(
    'only-pipe',
    'Lines made of `|` only are BAD_FORMAT',
    ['|\n', '||\n', '|||||\n'],
    Array(3).fill('ERROR|BAD_FORMAT|'),
  ),
  {
    name: 'line-over-limit',
    description: 'A line at the limit passes; one byte over is LINE_TOO_LONG, its rest discarded',
    tags: ['real'],
    link: 'lan',
    evidence: proves('error.LINE_TOO_LONG', 'server.badLines'),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const atLimit = `@bob|${'a'.repeat(MAX_LINE_BYTES - 5)}`;
      const over = `@bob|${'b'.repeat(MAX_LINE_BYTES - 4)}`;
      // The oversize line arrives in pieces, so its rest must be discarded across chunks.
      const cut = 1 + Math.floor(world.random() * (over.length - 1));
      await expectReplies(
        world,
        alice,
        [`${atLimit}\n`, over.slice(0, cut), `${over.slice(cut)}\n`, '@bob|after\n'],
        ['ERROR|LINE_TOO_LONG|'],
      );
      await world.until(bob.expect(`#alice|${'a'.repeat(MAX_LINE_BYTES - 5)}`));
      await world.until(bob.expect('#alice|after'));
      noLineMatching(bob, /^#alice\|b/, 'received part of an oversize line');
    },
  },
  {
    name: 'line-over-limit-repeated',
    description: 'The third oversize line closes the connection with LINE_TOO_LONG; others stay',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.LINE_TOO_LONG', atLeast: 3 }, 'server.cutOff'),
    async script(world) {
      const { bob } = await chatRoom(world);
      const mallory = await doomedMallory(world);
      const over = `@all|${'x'.repeat(MAX_LINE_BYTES * 2)}\n`;
      mallory.sendRaw(over + over);
      await expectReplies(world, mallory, [], ['ERROR|LINE_TOO_LONG|', 'ERROR|LINE_TOO_LONG|']);
      mallory.sendRaw(over);
      await cutOff(world, mallory, 'LINE_TOO_LONG', bob);
      noLineMatching(bob, /^#mallory\|x/, 'received part of an oversize line');
    },
  },
  {
    name: 'invalid-utf8',
    description: 'Invalid UTF-8 (stray, truncated, overlong) is BAD_ENCODING; the third closes',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.BAD_ENCODING', atLeast: 3 }, 'server.cutOff'),
    async script(world) {
      const { bob } = await chatRoom(world);
      const mallory = await doomedMallory(world);
      const bad = (bytes: number[]) => Buffer.concat([Buffer.from('@all|'), Buffer.from(bytes)]);
      await expectReplies(
        world,
        mallory,
        [bad([0xff, 0xfe, 0x0a]), bad([0x61, 0xe2, 0x82, 0x0a])],
        ['ERROR|BAD_ENCODING|', 'ERROR|BAD_ENCODING|'],
      );
      mallory.sendRaw(bad([0xc0, 0xaf, 0x0a]));
      await cutOff(world, mallory, 'BAD_ENCODING', bob);
      noLineMatching(bob, /^#mallory\|/, 'received a badly encoded line');
    },
  },
  {
    name: 'nul-and-control',
    description: 'NUL, C0/C1 control bytes and DEL are BAD_ENCODING; a tab is fine',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.BAD_ENCODING', atLeast: 5 }, 'server.cutOff'),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      await expectReplies(
        world,
        alice,
        ['@bob|a\0b\n', '@bob|bell\x07\n', '@bob|tab\there\n'],
        ['ERROR|BAD_ENCODING|', 'ERROR|BAD_ENCODING|'],
      );
      await world.until(bob.expect('#alice|tab\there'));
      const mallory = await doomedMallory(world);
      mallory.sendRaw('@all|c1\u0085\n@all|del\x7f\n@all|esc\x1b[2J\n');
      await world.until(mallory.whenClosed());
      const errors = mallory.lines.filter((line) => line.startsWith('ERROR|'));
      invariant(
        errors.length === 3 && errors.every((line) => line.startsWith('ERROR|BAD_ENCODING|')),
        `mallory expected three BAD_ENCODING errors, got ${JSON.stringify(errors)}`,
      );
      await world.until(bob.expect('INFO|LEFT|mallory|'));
      noLineMatching(bob, /^#(alice|mallory)\|(a\0|bell|c1|del|esc)/, 'received a control byte');
    },
  },
  {
    name: 'crlf-lf-mixed',
    description: 'CRLF and LF endings mix freely; a lone CR inside a line is a control byte',
    tags: ['real'],
    link: 'lan',
    evidence: proves('error.BAD_ENCODING'),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const before = bob.lines.length;
      await expectReplies(
        world,
        alice,
        ['@bob|one\r\n@bob|two\n@bob|three\r\n', '@bob|lone\rcr\n', '@bob|four\n'],
        ['ERROR|BAD_ENCODING|'],
      );
      await sync(world, bob, 'bob synced');
      receivedExactly(bob, before, [
        '#alice|one',
        '#alice|two',
        '#alice|three',
        '#alice|four',
        '#me|bob synced',
      ]);
    },
  },
  {
    name: 'many-lines-one-chunk',
    description: 'Many lines in one write are each routed, in order',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: 'the fault is the framing (many lines in one write), which the script itself sends and checks line by line',
    },
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const count = 10 + Math.floor(world.random() * 20);
      const messages = Array.from({ length: count }, (_, i) => `message ${i} of ${count}`);
      const before = bob.lines.length;
      await expectReplies(world, alice, [messages.map((m) => `@bob|${m}\n`).join('')], []);
      await sync(world, bob, 'bob synced');
      receivedExactly(bob, before, [...messages.map((m) => `#alice|${m}`), '#me|bob synced']);
    },
  },
  {
    name: 'split-byte-by-byte',
    description: 'A line (with multi-byte UTF-8) arriving one byte at a time is routed intact',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: 'the fault is the framing (one byte per write), which the script itself sends; the intact line is asserted',
    },
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const text = 'héllo wörld ✓ 𝄞 |pipes| kept';
      for (const byte of Buffer.from(`@bob|${text}\r\n`)) {
        alice.sendRaw(Buffer.from([byte]));
        await world.sleep(Math.floor(world.random() * 5));
      }
      await world.until(bob.expect(`#alice|${text}`));
    },
  },
  {
    name: 'disconnect-mid-line',
    description: 'A user vanishing mid-line: the half line reaches nobody, the room hears LEFT',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: "the fault is the script's own disconnect; the LEFT notices and the missing half line are asserted",
    },
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const mallory = await doomedMallory(world);
      await world.until(bob.expect('INFO|JOINED|mallory|'));
      mallory.sendRaw('@all|this line never en');
      await world.sleep(5);
      mallory.destroy();
      await world.until(alice.expect('INFO|LEFT|mallory|'));
      await world.until(bob.expect('INFO|LEFT|mallory|'));
      noLineMatching(bob, /^#mallory\|/, 'received half a line');
      noLineMatching(alice, /^#mallory\|/, 'received half a line');
    },
  },
]);
