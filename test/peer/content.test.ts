/**
 * Files named by content (impl/peer/content.ts, content-groups.ts, upload-source.ts): answers
 * carry size and SHA-256, responders are grouped by what they hold, owners that disagree are
 * named, and a getfile by hash is refused by an owner whose file holds something else.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { disagreement, groupByContent, pickContent } from '../../impl/peer/content-groups.ts';
import type { Responder } from '../../impl/peer/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const r = (user: string, sha256?: string, size = 10): Responder => ({
  user,
  file: 'text',
  size,
  address: '10.0.0.1',
  ...(sha256 === undefined ? {} : { sha256 }),
});
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('responders group by hash, most owners first; unhashed ones by size, after named ones', (t) => {
  const groups = groupByContent([r('x', B), r('y', A), r('z', A), r('old'), r('w', B), r('v', A)]);
  t.deepEqual(
    groups.map((g) => [g.sha256, g.responders.map((x) => x.user)]),
    [
      [A, ['y', 'z', 'v']],
      [B, ['x', 'w']],
      [undefined, ['old']],
    ],
  );
  t.regex(
    disagreement('text', groups)!,
    /owners disagree on what text holds \(y, z, v: 10 bytes, sha256 aaaaaaaaaaaa…; x, w: .*; old: 10 bytes, unhashed\)/,
  );
  t.is(disagreement('text', groupByContent([r('y', A), r('z', A)])), undefined);
});

test('asking for a hash keeps its owners and the unhashed ones, who check it themselves', (t) => {
  const picked = pickContent(groupByContent([r('x', B), r('y', A), r('old')]), B);
  t.deepEqual(
    picked.responders.map((x) => [x.user, x.sha256]),
    [
      ['x', B],
      ['old', B],
    ],
  );
  const error = t.throws(() => pickContent(groupByContent([r('y', A)]), B));
  t.is((error as { code?: string }).code, 'CONTENT_MISMATCH');
});

test('owners that hold different files under one name are told apart before any transfer', async (t) => {
  const real = patternBytes(70_000, 1);
  const other = patternBytes(70_000, 2);
  const world = await buildWorld({
    t,
    seed: 21,
    peers: [
      { name: 'ann', files: { text: real } },
      { name: 'bob', files: { text: real } },
      { name: 'mal', files: { text: other } },
      'eko',
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('text'));
  const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  t.deepEqual(responders.map((x) => [x.user, x.sha256]).sort(), [
    ['ann', hex(real)],
    ['bob', hex(real)],
    ['mal', hex(other)],
  ]);
  // The majority's content is fetched, and the disagreement is said.
  const result = await world.run(eko.getFile(responders, 'text'));
  t.true(world.host('eko').files.read(result.path).equals(real));
  t.regex(result.disagreement ?? '', /(ann, bob|bob, ann): 70000 bytes.*; mal: 70000 bytes/);
  // Asking for mal's content by hash gets mal's file.
  const theirs = await world.run(eko.getFile(responders, 'text', { sha256: hex(other) }));
  t.true(world.host('eko').files.read(theirs.path).equals(other));
  t.is(theirs.from.user, 'mal');
  await world.close();
});

test('a getfile by hash is refused CONTENT_MISMATCH by an owner whose file holds other bytes', async (t) => {
  const world = await buildWorld({
    t,
    seed: 22,
    peers: [{ name: 'ann', files: { text: patternBytes(5000, 3) } }, 'eko'],
  });
  const eko = world.peer('eko');
  const [ann] = await world.run(eko.whohas('text'));
  // An unhashed answer (as an older peer's) asked for content it does not hold.
  const { sha256: _, tree: __, ...unnamed } = ann;
  const error = await world.run(eko.getFile([unnamed], 'text', { sha256: A })).then(
    () => ({ code: 'none', cause: [] }),
    (e: unknown) => e as { code: string; cause: Array<{ error: { code: string } }> },
  );
  t.is(error.code, 'ALL_RESPONDERS_FAILED');
  t.is(error.cause[0].error.code, 'CONTENT_MISMATCH');
  t.deepEqual(world.listFiles('eko'), [], 'nothing left behind');
  await world.close();
});
