import test from 'ava';
import { isWhohasError, systemError, WhohasError } from '../../impl/errors.ts';

test('a WhohasError keeps its stable code and message', (t) => {
  const error = new WhohasError('NAME_TAKEN', 'Username eko is taken');
  t.is(error.code, 'NAME_TAKEN');
  t.is(error.message, 'Username eko is taken');
  t.true(error instanceof Error);
  t.true(isWhohasError(error));
  t.true(isWhohasError(error, 'NAME_TAKEN'));
  t.false(isWhohasError(error, 'BAD_NAME'));
  t.false(isWhohasError(new Error('plain')));
});

test('systemError mirrors the shape of Node errors', (t) => {
  const error = systemError('ECONNREFUSED', 'connect');
  t.is(error.code, 'ECONNREFUSED');
  t.is(error.syscall, 'connect');
  t.regex(error.message, /ECONNREFUSED/);
});
