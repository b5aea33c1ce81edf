/**
 * What arrives on the cluster's bus is checked field by field: a message of the wrong shape (a
 * stray publisher on the channel, another version) is dropped, never half-applied.
 */
import test from 'ava';
import { type BusMessage, decode, encode } from '../../impl/cluster/bus.ts';

const accepted = test.macro<[BusMessage]>({
  exec(t, message) {
    t.deepEqual(decode(encode(message)), message);
  },
  title: (_title, message) => `accepts a ${message.t} message`,
});

const dropped = test.macro<[string, string]>({
  exec(t, _why, text) {
    t.is(decode(text), undefined);
  },
  title: (_title, why) => `drops ${why}`,
});

test(accepted, { n: 'n1', t: 'enter', u: 'ann', r: 'lab', id: 'ab12', p: false });
test(accepted, { n: 'n1', t: 'leave', u: 'ann', why: null });
test(accepted, { n: 'n1', t: 'room', r: 'lab', id: 'ab12', line: '#ann|hi\n' });
test(accepted, { n: 'n1', t: 'user', to: 'bob', at: 'n2', id: '', line: '#server|hi\n' });
test(accepted, { n: 'n1', t: 'kill', to: 'bob', at: 'n2', line: 'ERROR|KILLED|x', why: null });
test(accepted, { n: 'n1', t: 'exit', reason: 'maintenance' });
test(accepted, { n: 'n2', t: 'sync' });

test(dropped, 'text that is not JSON', 'hello');
test(dropped, 'a JSON value that is not an object', '42');
test(dropped, 'null', 'null');
test(dropped, 'a message without a sender', '{"t":"sync"}');
test(dropped, 'an unknown type', '{"n":"n1","t":"drop-tables"}');
test(dropped, 'an inherited type name', '{"n":"n1","t":"constructor"}');
test(dropped, 'a missing field', '{"n":"n1","t":"room","r":"lab","id":"x"}');
test(
  dropped,
  'a field of the wrong type',
  '{"n":"n1","t":"enter","u":"a","r":"b","id":"c","p":"no"}',
);
test(dropped, 'a notice that is neither text nor null', '{"n":"n1","t":"leave","u":"a","why":5}');
