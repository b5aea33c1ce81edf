import test from 'ava';
import type { RelayGranter } from '../../impl/chat/relay-grants.ts';
import { onSim, threeUsers } from '../helpers/chat-world.ts';

/** A relay that only records what the chat server granted. */
function recordingRelay(available = true) {
  const grants: Array<{ transferId: number; token: string; requester: string; owner: string }> = [];
  const relay: RelayGranter = {
    available: () => available,
    port: 7001,
    grant: (transferId, token, requester, owner) =>
      grants.push({ transferId, token: token.toString('hex'), requester, owner }),
  };
  return { relay, grants };
}

const withRelay = recordingRelay();
test(
  '@server|relay grants one transfer to two members of a room and tells both the same token',
  onSim,
  async (t, world) => {
    const { eswar, eko } = await threeUsers(world);
    const line = await eko.ask('@server|relay|77|eswar');
    t.regex(line, /^RELAY\|77\|eko\|eswar\|[0-9a-f]{16}\|7001$/);
    t.is(await eswar.next(), line, 'the owner hears the same grant');
    t.is(withRelay.grants.length, 1);
    t.is(withRelay.grants[0].token, line.split('|')[4]);
    t.deepEqual(
      { requester: withRelay.grants[0].requester, owner: withRelay.grants[0].owner },
      { requester: 'eko', owner: 'eswar' },
    );
  },
  { relay: withRelay.relay },
);

const zero = recordingRelay();
test(
  '@server|relay grants transfer id 0: a requester may draw it, and its relay must not be refused',
  onSim,
  async (t, world) => {
    const { eswar, eko } = await threeUsers(world);
    const line = await eko.ask('@server|relay|0|eswar');
    t.regex(line, /^RELAY\|0\|eko\|eswar\|[0-9a-f]{16}\|7001$/);
    t.is(await eswar.next(), line);
    t.is(zero.grants[0]?.transferId, 0);
  },
  { relay: zero.relay },
);

const refusals = recordingRelay();
test(
  'a relay is refused for a user of another room, oneself, a bad id, and nobody is granted',
  onSim,
  async (t, world) => {
    const { eko } = await threeUsers(world);
    t.regex(
      await eko.ask('@server|relay|77|bob'),
      /^ERROR\|NO_SUCH_USER\|/,
      'bob is in another room',
    );
    t.regex(await eko.ask('@server|relay|77|eko'), /^ERROR\|NO_SUCH_USER\|/);
    t.regex(await eko.ask('@server|relay|01|eswar'), /^ERROR\|BAD_FORMAT\|/, 'a leading zero');
    t.regex(await eko.ask('@server|relay|-1|eswar'), /^ERROR\|BAD_FORMAT\|/);
    t.regex(await eko.ask('@server|relay|4294967296|eswar'), /^ERROR\|BAD_FORMAT\|/);
    t.regex(await eko.ask('@server|relay|12'), /^ERROR\|BAD_FORMAT\|/);
    t.is(refusals.grants.length, 0);
  },
  { relay: refusals.relay },
);

test('a server without a relay answers RELAY_REFUSED', onSim, async (t, world) => {
  const { eko } = await threeUsers(world);
  t.regex(await eko.ask('@server|relay|77|eswar'), /^ERROR\|RELAY_REFUSED\|/);
});
