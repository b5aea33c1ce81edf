/**
 * The one login encoder against the real dialog: every variant (create or join, with or without
 * a password) logs in both ways the harness uses it, checked step by step and pipelined at once;
 * a dialog the server answers differently fails the checked login.
 */
import test from 'ava';
import { GREETING, type LoginOptions, loginAnswers, loginSteps } from '../../harness/login.ts';
import { createWorld } from '../../harness/world.ts';

const variants: Record<string, { room: string; options: LoginOptions; before?: LoginOptions }> = {
  'create a public room': { room: 'open', options: { create: true } },
  'create a private room': { room: 'vault', options: { create: true, password: 's3cret' } },
  'join a public room': { room: 'open', options: {}, before: { create: true } },
  'join a private room': {
    room: 'vault',
    options: { password: 's3cret' },
    before: { create: true, password: 's3cret' },
  },
};

for (const [name, { room, options, before }] of Object.entries(variants)) {
  test(`${name}: the checked and the pipelined login both reach the room`, async (t) => {
    const world = await createWorld({ backend: 'sim', seed: 3 });
    try {
      await world.startServer();
      if (before) await world.login('owner', room, before);
      const checked = await world.connect('checked');
      const lines = await world.until(checked.login('checked', room, options));
      t.true(lines[0].startsWith(GREETING));
      const replies = loginSteps('checked', room, options).flatMap((step) => step.replies);
      t.is(lines.length, replies.length + 1);
      // Pipelined: every answer at once (World.login), then the welcome; a room made anew.
      const pipedRoom = options.create ? `${room}2` : room;
      const piped = await world.login('piped', pipedRoom, options);
      t.true(piped.lines.some((line) => line.startsWith(`OK|Welcome to ${pipedRoom}.`)));
    } finally {
      await world.dispose();
    }
  });
}

test('the answers are the steps in order', (t) => {
  t.deepEqual(loginAnswers('eve', 'r', { create: true, password: 'pw' }), [
    'eve',
    'create',
    'r',
    'yes',
    'pw',
  ]);
  t.deepEqual(loginAnswers('eve', 'r'), ['eve', 'join', 'r']);
});

test('a reply the dialog did not expect fails the checked login with the lines seen', async (t) => {
  const world = await createWorld({ backend: 'sim', seed: 3 });
  try {
    await world.startServer();
    const client = await world.connect('lost');
    // Joining a room nobody created: the server answers NO_SUCH_ROOM, not the join.
    const error = await t.throwsAsync(world.until(client.login('lost', 'nowhere')));
    t.regex(error?.message ?? '', /login of lost: expected .*ERROR\|/);
  } finally {
    await world.dispose();
  }
});
