/**
 * The user's identity file (docs/PROTOCOL.md, "User keys"): made on first use with mode 0600,
 * the same key on every later start, and a file that is not an Ed25519 key refused clearly.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { loadIdentity } from '../../impl/peer/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

test('made on first use with mode 0600, then loaded unchanged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'whohas-identity-'));
  const platform = createNodePlatform();
  try {
    const path = join(dir, 'keys', 'id.pem');
    const first = await loadIdentity(platform.fs, platform.random, path);
    t.true(first.created);
    t.is(statSync(path).mode & 0o777, 0o600, 'only the user reads the private key');
    const again = await loadIdentity(platform.fs, platform.random, path);
    t.false(again.created);
    t.deepEqual(again.identity.publicRaw, first.identity.publicRaw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not an Ed25519 key is refused with BAD_ARGUMENT, and left alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'whohas-identity-'));
  const platform = createNodePlatform();
  try {
    const path = join(dir, 'id.pem');
    writeFileSync(path, 'not a key');
    const error = await t.throwsAsync(loadIdentity(platform.fs, platform.random, path));
    t.true(isWhohasError(error, 'BAD_ARGUMENT'), String(error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
