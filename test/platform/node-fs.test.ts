/**
 * The Node file system's FileReader.identity, which the owner's hash cache trusts: stable for an
 * unchanged file, absent for one changed too recently for its times to tell rewrites apart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createNodeFileSystem } from '../../impl/platform/node-fs.ts';

test('an unchanged file opens with the same identity each time', async (t) => {
  const fs = createNodeFileSystem();
  // The node binary: a file nobody changed in the last seconds.
  const first = await fs.openRead(process.execPath);
  const second = await fs.openRead(process.execPath);
  t.truthy(first.identity);
  t.is(first.identity, second.identity);
  await Promise.all([first.close(), second.close()]);
});

test('a file changed in the last seconds has no identity: a rewrite in the same tick could hide', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-identity-'));
  try {
    const path = join(dir, 'fresh.bin');
    await writeFile(path, 'one');
    const fs = createNodeFileSystem();
    const reader = await fs.openRead(path);
    t.is(reader.identity, undefined);
    await reader.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
