import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import {
  checkPacketSize,
  checkParallel,
  checkWindow,
  MIN_PACKET_SIZE,
  parseDecimal,
  parseServerAddress,
} from '../../impl/peer/limits.ts';

const address = test.macro({
  exec(t, text: string, expected: { host: string; port: number }) {
    t.deepEqual(parseServerAddress(text), expected);
  },
  title: (_title, text: string) => `server address "${text}"`,
});

test(address, '127.0.0.1:50000', { host: '127.0.0.1', port: 50000 });
test(address, 'localhost:1', { host: 'localhost', port: 1 });
test(address, '50001', { host: '127.0.0.1', port: 50001 });
test(address, ':50002', { host: '127.0.0.1', port: 50002 });
test(address, '[::1]:65535', { host: '::1', port: 65535 });

for (const text of ['', 'host', 'host:', 'host:0', 'host:65536', 'host:-1', 'a:b:1x']) {
  test(`server address "${text}" is refused with BAD_ARGUMENT`, (t) => {
    const error = t.throws(() => parseServerAddress(text));
    t.true(isWhohasError(error, 'BAD_ARGUMENT'));
  });
}

test('decimal numbers are written plainly', (t) => {
  t.is(parseDecimal('0'), 0);
  t.is(parseDecimal('2048'), 2048);
  for (const text of ['', '-1', '+1', '01', '1e3', ' 1', '1.0', '0x10', '99999999999999999']) {
    t.is(parseDecimal(text), undefined, text);
  }
});

test('settings out of range throw their own code at once', (t) => {
  t.is(checkWindow(1), 1);
  t.is(checkWindow(65_535), 65_535);
  t.true(
    isWhohasError(
      t.throws(() => checkWindow(0)),
      'BAD_WINDOW',
    ),
  );
  t.true(
    isWhohasError(
      t.throws(() => checkWindow(1.5)),
      'BAD_WINDOW',
    ),
  );
  t.true(
    isWhohasError(
      t.throws(() => checkWindow(65_536)),
      'BAD_WINDOW',
    ),
  );
  t.is(checkPacketSize(MIN_PACKET_SIZE), MIN_PACKET_SIZE);
  t.true(
    isWhohasError(
      t.throws(() => checkPacketSize(MIN_PACKET_SIZE - 1)),
      'BAD_PACKET_SIZE',
    ),
  );
  t.true(
    isWhohasError(
      t.throws(() => checkPacketSize(65_508)),
      'BAD_PACKET_SIZE',
    ),
  );
  t.is(checkParallel(0), 0);
  t.true(
    isWhohasError(
      t.throws(() => checkParallel(-1)),
      'BAD_ARGUMENT',
    ),
  );
});
