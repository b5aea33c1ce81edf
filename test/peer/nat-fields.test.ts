/**
 * `cand=` and `punch=` on getfile, `cand=` on sending (docs/PROTOCOL.md, "NAT traversal"): exact
 * lines both ways, the seal offer still last, and a malformed field refused with BAD_ARGUMENT
 * naming it; a getfile without them reads as before.
 */
import test from 'ava';
import {
  encodeFileMessage,
  type GetfileMessage,
  parseFileMessage,
  type SendingMessage,
} from '../../impl/peer/messages.ts';

const TOKEN = Buffer.from('0123456789abcdef', 'hex');
const CAND = [
  { kind: 'host' as const, address: '192.168.1.2', port: 40001 },
  { kind: 'reflexive' as const, address: '203.0.113.5', port: 51234 },
];
const GETFILE: GetfileMessage = {
  kind: 'getfile',
  file: 'a.bin',
  address: '192.168.1.2',
  port: 40001,
  transferId: 7,
  window: 8,
  packetSize: 1024,
  arq: 'gbn',
  cand: CAND,
  punch: TOKEN,
};
const GETFILE_LINE =
  'getfile|a.bin|192.168.1.2|40001|7|8|1024|gbn|cand=h-192.168.1.2-40001,s-203.0.113.5-51234|punch=0123456789abcdef';

test('getfile with candidates and a token: the exact line, and back', (t) => {
  t.is(encodeFileMessage(GETFILE), GETFILE_LINE);
  t.deepEqual(parseFileMessage(GETFILE_LINE), GETFILE);
});

test('sending with candidates: cand= before the seal offer, and back', (t) => {
  const sending: SendingMessage = {
    kind: 'sending',
    file: 'a.bin',
    transferId: 7,
    size: 100,
    port: 40002,
    cand: CAND,
  };
  const line = 'sending|a.bin|7|100|40002|cand=h-192.168.1.2-40001,s-203.0.113.5-51234';
  t.is(encodeFileMessage(sending), line);
  t.deepEqual(parseFileMessage(line), sending);
  // A sending without candidates is the legacy one, unchanged.
  t.deepEqual(parseFileMessage('sending|a.bin|7|100|40002'), {
    kind: 'sending',
    file: 'a.bin',
    transferId: 7,
    size: 100,
    port: 40002,
  });
  t.is(parseFileMessage('sending|a.bin|7|100|40002|cand=h-1.2.3-4'), undefined);
  t.is(parseFileMessage('sending|a.bin|7|100|40002|cand=h-1.2.3.4-5|x|y'), undefined);
});

const refused = test.macro({
  exec(t, tail: string, reason: RegExp) {
    const parsed = parseFileMessage(`getfile|a.bin|192.168.1.2|40001|7|8|1024|gbn|${tail}`);
    t.like(parsed, { kind: 'bad-request', code: 'BAD_ARGUMENT', transferId: 7 });
    t.regex((parsed as { reason: string }).reason, reason);
  },
  title: (_, tail: string) => `getfile with "${tail}" is refused with BAD_ARGUMENT`,
});

test(refused, 'cand=h-192.168.1.2-40001', /cand= and punch= go together/);
test(refused, 'punch=0123456789abcdef', /cand= and punch= go together/);
test(refused, 'cand=h-192.168.1.300-1|punch=0123456789abcdef', /cand= is malformed: .*IP address/);
test(refused, 'cand=q-192.168.1.3-1|punch=0123456789abcdef', /cand= is malformed/);
test(refused, 'cand=h-192.168.1.3-1|punch=0123', /punch= needs 16 lower-case hex digits/);
