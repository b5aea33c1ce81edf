/**
 * The per-transfer key agreement: both sides derive the same two direction keys; an offer
 * signed for another transfer, user or file, or by a key other than the one it names, fails.
 */
import test from 'ava';
import {
  encodeOffer,
  ownerAnswer,
  parseOffer,
  requesterKeys,
  requesterOffer,
  type TransferContext,
  verifyRequesterOffer,
} from '../../impl/seal/agreement.ts';
import { fingerprint, generateKeyPair, keyPairFromSeed } from '../../impl/seal/keys.ts';
import { Simulator } from '../../sim/index.ts';

const context: TransferContext = {
  requester: 'bob',
  owner: 'alice',
  file: 'report.pdf',
  transferId: 77,
};

function parties(seed = 3) {
  const random = new Simulator({ seed }).addHost('h').platform.random;
  return {
    random,
    bob: generateKeyPair('ed25519', random),
    alice: generateKeyPair('ed25519', random),
  };
}

test('both sides derive the same direction keys, distinct per direction', (t) => {
  const { random, bob, alice } = parties();
  const request = requesterOffer(bob, random, context);
  const wire = parseOffer(encodeOffer(request.offer));
  t.truthy(wire);
  t.true(verifyRequesterOffer(wire!, context));
  const answer = ownerAnswer(alice, random, context, wire!);
  const keys = requesterKeys(request.ephemeral, parseOffer(encodeOffer(answer.offer))!, context);
  t.deepEqual(keys, answer.keys);
  t.notDeepEqual(answer.keys.ownerToRequester, answer.keys.requesterToOwner);
});

const mismatched = test.macro({
  exec(t, other: Partial<TransferContext>) {
    const { random, bob, alice } = parties();
    const request = requesterOffer(bob, random, context);
    const elsewhere = { ...context, ...other };
    t.false(verifyRequesterOffer(request.offer, elsewhere), 'the getfile offer does not verify');
    const answer = ownerAnswer(alice, random, elsewhere, request.offer);
    t.is(requesterKeys(request.ephemeral, answer.offer, context), undefined, 'nor the answer');
  },
  title: (title = '') => `an offer signed for one transfer fails for ${title}`,
});
test('another transfer id', mismatched, { transferId: 78 });
test('another requester name', mismatched, { requester: 'mallory' });
test('another owner name', mismatched, { owner: 'alicia' });
test('another file', mismatched, { file: 'trojan.exe' });

test('an offer naming an identity that did not sign it fails', (t) => {
  const { random, bob, alice } = parties();
  const { offer } = requesterOffer(bob, random, context);
  t.false(verifyRequesterOffer({ ...offer, identity: alice.publicRaw }, context));
});

test('malformed seal fields do not parse', (t) => {
  const { random, bob } = parties();
  const good = encodeOffer(requesterOffer(bob, random, context).offer);
  for (const bad of [
    'seal:',
    'seal:a:b:c',
    `${good}:x`,
    good.replace('seal:', 'sael:'),
    `${good.slice(0, -2)}`,
  ]) {
    t.is(parseOffer(bad), undefined, bad);
  }
});

test('keys come from the platform randomness: the same seed gives the same keys', (t) => {
  const one = parties(11);
  const two = parties(11);
  t.deepEqual(one.bob.publicRaw, two.bob.publicRaw);
  t.notDeepEqual(parties(12).bob.publicRaw, one.bob.publicRaw);
  t.deepEqual(keyPairFromSeed('ed25519', one.bob.seed).publicRaw, one.bob.publicRaw);
  t.regex(fingerprint(one.bob.publicRaw, true), /^([0-9a-f]{4}:){15}[0-9a-f]{4}$/);
});
