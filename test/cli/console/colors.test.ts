import test from 'ava';
import { colorsEnabled } from '../../../cli/console/colors.ts';

const tty = { isTTY: true };
const pipe = { isTTY: false };

const enabled = test.macro({
  exec(t, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }, expected: boolean) {
    t.is(colorsEnabled(env, stream), expected);
  },
  title: (title) => `colours ${title}`,
});

test('on for a terminal', enabled, { TERM: 'xterm' }, tty, true);
test(
  'off with NO_COLOR set, whatever its value',
  enabled,
  { NO_COLOR: '0', TERM: 'xterm' },
  tty,
  false,
);
test(
  'on with NO_COLOR empty (no-color.org: set and not empty)',
  enabled,
  { NO_COLOR: '' },
  tty,
  true,
);
test('off on a pipe', enabled, {}, pipe, false);
// picocolors alone colours a pipe whenever CI is set; a transcript must stay plain.
test('off on a pipe even in CI', enabled, { CI: 'true' }, pipe, false);
test('on a pipe with FORCE_COLOR', enabled, { FORCE_COLOR: '1' }, pipe, true);
test(
  'off with NO_COLOR even with FORCE_COLOR',
  enabled,
  { NO_COLOR: '1', FORCE_COLOR: '1' },
  tty,
  false,
);
test('off for TERM=dumb', enabled, { TERM: 'dumb' }, tty, false);
