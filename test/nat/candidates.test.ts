/**
 * The candidate list of `cand=` (impl/nat/candidates.ts): exact text both ways, every prefix of a
 * valid list either parses or names its fault (never throws), and each bad form is refused.
 */
import test from 'ava';
import {
  encodeCandidates,
  endpointText,
  isIpAddress,
  parseCandidates,
  parsePunchToken,
} from '../../impl/nat/candidates.ts';
import type { Candidate } from '../../impl/nat/punch.ts';

const LIST: Candidate[] = [
  { kind: 'host', address: '192.0.2.10', port: 40001 },
  { kind: 'reflexive', address: '203.0.113.5', port: 51234 },
  { kind: 'host', address: '2001:db8::5', port: 1 },
  { kind: 'reflexive', address: '::ffff:198.51.100.7', port: 65535 },
];
const TEXT = 'h-192.0.2.10-40001,s-203.0.113.5-51234,h-2001:db8::5-1,s-::ffff:198.51.100.7-65535';

test('a list encodes to the exact text and parses back', (t) => {
  t.is(encodeCandidates(LIST), TEXT);
  t.deepEqual(parseCandidates(TEXT), LIST);
});

test('every prefix of a valid list parses or names its fault, never throws', (t) => {
  let parsed = 0;
  for (let at = 0; at <= TEXT.length; at++) {
    const result = parseCandidates(TEXT.slice(0, at));
    if (typeof result === 'string') t.true(result.length > 0);
    else parsed++;
  }
  // Whole items, and prefixes that are still addresses and ports ("h-192.0.2.10-4", "-40").
  t.true(parsed >= 4);
});

const bad = test.macro({
  exec(t, text: string, fault: RegExp) {
    const result = parseCandidates(text);
    t.is(typeof result, 'string');
    t.regex(result as string, fault);
  },
  title: (_, text: string) => `"${text}" is refused`,
});

test(bad, '', /not <h\|s>/);
test(bad, 'x-192.0.2.1-80', /not <h\|s>/);
test(bad, 'h-192.0.2.1', /not <h\|s>/);
test(bad, 'h-192.0.2.1-80-1', /not <h\|s>/);
test(bad, 'h-192.0.2.256-80', /not an IP address/);
test(bad, 'h-example.org-80', /not an IP address/);
test(bad, 'h-2001:db8::1::2-80', /not an IP address/);
test(bad, 'h-192.0.2.1-0', /port "0"/);
test(bad, 'h-192.0.2.1-65536', /port "65536"/);
test(bad, 'h-192.0.2.1-080', /port "080"/);
test(bad, 'h-192.0.2.1-80,', /not <h\|s>/);
test(bad, 'h-192.0.2.1-1,h-192.0.2.1-2,h-192.0.2.1-3,h-192.0.2.1-4,h-192.0.2.1-5', /more than 4/);

const address = test.macro({
  exec(t, text: string, valid: boolean) {
    t.is(isIpAddress(text), valid);
  },
  title: (_, text: string, valid: boolean) => `"${text}" ${valid ? 'is' : 'is not'} an IP address`,
});

for (const ok of ['0.0.0.0', '203.0.113.255', '::', '::1', '2001:db8::5', 'fe80:0:0:0:0:0:0:1']) {
  test(address, ok, true);
}
for (const no of ['1.2.3', '01.2.3.4', '1.2.3.4.5', ':', '1:2:3:4:5:6:7:8:9', 'g::1', '[::1]']) {
  test(address, no, false);
}

test('the punch token is 16 lower-case hex digits', (t) => {
  t.deepEqual(parsePunchToken('0123456789abcdef'), Buffer.from('0123456789abcdef', 'hex'));
  for (const no of ['0123456789ABCDEF', '0123456789abcde', '0123456789abcdef0', '']) {
    t.is(parsePunchToken(no), undefined, no);
  }
});

test('endpoints print IPv6 in brackets', (t) => {
  t.is(endpointText('203.0.113.5', 51234), '203.0.113.5:51234');
  t.is(endpointText('2001:db8::5', 40001), '[2001:db8::5]:40001');
});
