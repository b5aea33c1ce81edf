import test from 'ava';
import { cutToBytes, fittingName } from '../../impl/platform/file-names.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const LONG_E = `${'é'.repeat(125)}x.pdf`; // 255 bytes: é is 2 bytes in UTF-8

const fits = test.macro({
  exec(t, name: string, attempt: number, expected: string) {
    const fitted = fittingName(name, attempt);
    t.is(fitted, expected);
    t.true(bytes(fitted) <= 255, `${bytes(fitted)} bytes`);
  },
  title: (title) => `fittingName: ${title}`,
});

test('a short name is kept, then suffixed', fits, 'report.pdf', 1, 'report (1).pdf');
test('attempt 0 is the name itself', fits, LONG_E, 0, LONG_E);
test(
  'a 255-byte name is cut before the extension, on a character boundary',
  fits,
  LONG_E,
  1,
  `${'é'.repeat(123)} (1).pdf`,
);
test(
  'an ASCII stem loses exactly what the suffix needs',
  fits,
  `${'a'.repeat(251)}.txt`,
  12,
  `${'a'.repeat(246)} (12).txt`,
);
test(
  'an extension too long to keep is cut as part of the stem',
  fits,
  `a.${'b'.repeat(253)}`,
  1,
  `a.${'b'.repeat(249)} (1)`,
);

test('cutToBytes never splits a character (emoji are 4 bytes, 2 UTF-16 units)', (t) => {
  t.is(cutToBytes('😀😀😀', 9), '😀😀');
  t.is(cutToBytes('aé', 2), 'a');
  t.is(cutToBytes('abc', 5), 'abc');
});
