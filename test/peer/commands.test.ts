import test from 'ava';
import { parseDownloadCommand, parseLocalCommand } from '../../impl/peer/commands.ts';

const local = test.macro({
  exec(t, line: string, expected: unknown) {
    t.deepEqual(parseLocalCommand(line), expected);
  },
  title: (_title, line: string) => `local command "${line}"`,
});

test(local, '@me|setwindow|32', { kind: 'setwindow', window: 32 });
test(local, '@me|setarq|sr', { kind: 'setarq', arq: 'sr' });
test(local, '@me|setshare|text', { kind: 'setshare', file: 'text' });
test(local, '@me|clrshare|text', { kind: 'clrshare', file: 'text' });
test(local, '@me|setglobalshare', { kind: 'setglobalshare' });
test(local, '@me|clrglobalshare', { kind: 'clrglobalshare' });
test(local, '@me|getsharestatus', { kind: 'getsharestatus' });
test(local, '@me|hello', undefined);
test(local, '@me|setwindows|3', undefined);
test(local, '@eko|setwindow|32', undefined);
test(local, '@all|whohas|text', undefined);

const localError = test.macro({
  exec(t, line: string, code: string) {
    const parsed = parseLocalCommand(line);
    t.is(parsed?.kind, 'error');
    t.is((parsed as { code: string }).code, code);
  },
  title: (_title, line: string, code: string) => `local command "${line}" is refused with ${code}`,
});

test(localError, '@me|setwindow', 'BAD_ARGUMENT');
test(localError, '@me|setarq', 'BAD_ARGUMENT');
test(localError, '@me|setarq|tcp', 'UNSUPPORTED_ARQ');
test(localError, '@me|setwindow|0', 'BAD_WINDOW');
test(localError, '@me|setwindow|many', 'BAD_WINDOW');
test(localError, '@me|setshare', 'BAD_ARGUMENT');
test(localError, '@me|setshare|../x', 'BAD_FILENAME');
test(localError, '@me|clrshare|a|b', 'BAD_ARGUMENT');
test(localError, '@me|getsharestatus|now', 'BAD_ARGUMENT');

test('a typed @owner|getfile|file becomes a download', (t) => {
  t.deepEqual(parseDownloadCommand('@eswar|getfile|text'), {
    kind: 'download',
    from: 'eswar',
    file: 'text',
  });
  t.is(parseDownloadCommand('@eswar|hello'), undefined);
  t.is(parseDownloadCommand('@all|whohas|text'), undefined);
});

test('a typed getfile without one owner or with a bad name is refused', (t) => {
  for (const [line, code] of [
    ['@me|getfile|text', 'BAD_ARGUMENT'],
    ['@eswar|getfile', 'BAD_ARGUMENT'],
    ['@eswar|getfile|a|b', 'BAD_ARGUMENT'],
    ['@eswar|getfile|/etc/passwd', 'BAD_FILENAME'],
  ]) {
    t.is((parseDownloadCommand(line) as { code?: string })?.code, code, line);
  }
});

test('a typed @all|getfile|file downloads from every owner of the content', (t) => {
  t.deepEqual(parseDownloadCommand('@all|getfile|text'), {
    kind: 'download',
    from: 'all',
    file: 'text',
  });
});
