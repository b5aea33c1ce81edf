/**
 * User keys at login (docs/PROTOCOL.md, "User keys"): a keyed username is challenged, and only
 * a signature by that key gets the name in with the key's fingerprint, which `get_keys` then
 * shows beside it. Someone who copies alice's public key (it is public: get_keys shows its
 * fingerprint, her lines carry it) cannot prove it. Netcat users without keys log in as in 2016.
 */
import test from 'ava';
import { challengeLine, keyedAnswer, proveKey } from '../../impl/chat/login-key.ts';
import { fingerprint, keyPairFromSeed, toB64 } from '../../impl/seal/keys.ts';
import { type ChatWorld, onSim } from '../helpers/chat-world.ts';

const alice = keyPairFromSeed('ed25519', Buffer.alloc(32, 1));
const mallory = keyPairFromSeed('ed25519', Buffer.alloc(32, 6));

/** Connects and answers the username step with `answer`; returns the client and the reply. */
async function greet(world: ChatWorld, answer: string) {
  const client = await world.connect();
  await client.expect(/^OK\|Welcome to whohas/);
  return { client, reply: await client.ask(answer) };
}

test(
  'a keyed login proves its key; get_keys shows the fingerprint beside the name, - for a netcat user',
  onSim,
  async (t, world) => {
    const { client, reply } = await greet(world, keyedAnswer('alice', alice));
    const nonce = reply.split('|')[2];
    t.is(reply, challengeLine(nonce, 'alice'));
    t.regex(nonce, /^[0-9a-f]{32}$/);
    t.is(
      await client.ask(proveKey(alice, 'alice', nonce)),
      'OK|Username alice accepted. Send create/join a chatroom',
    );
    t.is(await client.ask('create'), 'OK|Specify a chatroom name to create.');
    await client.ask('lobby');
    await client.ask('no');
    await client.expect(/^OK\|Welcome to lobby/);
    const eko = await world.login('eko', 'lobby');
    t.is(await eko.ask('@server|get_peers'), 'PEERS|alice|eko', 'get_peers keeps its 2016 form');
    t.is(await eko.ask('@server|get_keys'), `KEYS|alice|${fingerprint(alice.publicRaw)}|eko|-`);
  },
);

test(
  'a copied public key without its private key is refused: BAD_SIGNATURE, and the name never shows that key',
  onSim,
  async (t, world) => {
    const { client, reply } = await greet(world, keyedAnswer('alice', alice));
    const nonce = reply.split('|')[2];
    // Mallory signs with her own key, or replays a signature made for another nonce.
    t.regex(await client.ask(proveKey(mallory, 'alice', nonce)), /^ERROR\|BAD_SIGNATURE\|/);
    t.regex(await client.ask(proveKey(alice, 'alice', 'f'.repeat(32))), /^ERROR\|BAD_SIGNATURE\|/);
    const eko = await world.login('eko', 'lobby', { create: true });
    t.is(
      await eko.ask('@server|get_keys'),
      'KEYS|eko|-',
      'alice is not in, with or without the key',
    );
  },
);

test(
  'a malformed key is refused with BAD_KEY and the step is repeated',
  onSim,
  async (t, world) => {
    const { client, reply } = await greet(world, `alice|key|${toB64(Buffer.alloc(31))}`);
    t.regex(reply, /^ERROR\|BAD_KEY\|/);
    t.is(await client.ask('alice'), 'OK|Username alice accepted. Send create/join a chatroom');
  },
);
