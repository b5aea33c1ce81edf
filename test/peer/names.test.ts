import test from 'ava';
import { fileNameProblem } from '../../impl/peer/names.ts';

const refused = test.macro({
  exec(t, name: string, pattern: RegExp) {
    t.regex(fileNameProblem(name) ?? '', pattern);
  },
  title: (title, name: string) => `${title ?? JSON.stringify(name)} is not a shareable name`,
});

test(refused, '', /empty/);
test(refused, '..', /leave the share folder/);
test(refused, '../x', /leave the share folder/);
test(refused, 'a/../../b', /leave the share folder/);
test(refused, '..\\x', /leave the share folder/);
test(refused, '/etc/passwd', /absolute path/);
test(refused, 'C:\\Windows', /absolute path/);
test(refused, 'sub/file', /separator/);
test(refused, 'sub\\file', /separator/);
test(refused, '.', /folder itself/);
test(refused, 'a\u0000b', /NUL/);
test(refused, 'a\nb', /control character/);
test(refused, 'a\u0085b', /control character/);
test(refused, 'a|b', /field separator/);
test(refused, '.whohas-text-1.part', /never shared/);
test('a 256-byte name', refused, 'é'.repeat(128), /longer than 255 bytes/);

const accepted = test.macro({
  exec(t, name: string) {
    t.is(fileNameProblem(name), undefined);
  },
  title: (title, name: string) => `${title ?? JSON.stringify(name)} is a shareable name`,
});

for (const name of [
  'text',
  'a b.txt',
  '.hidden',
  '..dots',
  'x..y',
  'résumé.pdf',
  'é'.repeat(127),
]) {
  test(accepted, name);
}
