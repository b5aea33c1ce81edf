import test from 'ava';
import { candidateName, checkFileName } from '../../impl/arq/files.ts';

const candidates = test.macro({
  exec(t, name: string, expected: string[]) {
    t.deepEqual(
      expected.map((_, attempt) => candidateName(name, attempt)),
      expected,
    );
  },
  title: (name = '') => `free names for ${name}`,
});
test('report.pdf', candidates, 'report.pdf', ['report.pdf', 'report (1).pdf', 'report (2).pdf']);
test('archive.tar.gz', candidates, 'archive.tar.gz', ['archive.tar.gz', 'archive.tar (1).gz']);
test('README', candidates, 'README', ['README', 'README (1)']);
test('.bashrc', candidates, '.bashrc', ['.bashrc', '.bashrc (1)']);

const badName = test.macro({
  exec(t, name: string) {
    t.throws(() => checkFileName(name), { code: 'BAD_FILENAME' } as never);
  },
  title: (_title, name) => `${JSON.stringify(name)} is not a plain file name`,
});
for (const name of ['', '.', '..', '../x', 'a/b', '/etc/passwd', 'a\\b', 'nul\0'])
  test(badName, name);

test('ordinary names pass', (t) => {
  t.notThrows(() => checkFileName('my file (3).tar.gz'));
});
