/**
 * The Go-Back-N role processes both loopback benchmarks spawn: real child processes on
 * 127.0.0.1, each test bounded by the roles' own exit (stopRole kills a lingering child).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { GBN_ROLES, type Listening, nextOk, sendOrder } from '../../bench/engines/gbn-roles.ts';
import { stopRole } from '../../bench/engines/roles.ts';
import { type RoleProcess, spawnRole } from '../../harness/roles.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

const options = { window: 8, packetSize: 1024 };

async function withRoles(
  roles: Array<'sender' | 'receiver'>,
  body: (children: RoleProcess[], dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'whohas-gbn-roles-'));
  const children = roles.map((role) => spawnRole(GBN_ROLES, [role]));
  try {
    for (const child of children) await child.next(); // { ready: true }
    await body(children, dir);
  } finally {
    await Promise.all(children.map((child) => stopRole(child, 3_000)));
    await rm(dir, { recursive: true, force: true });
  }
}

test('a receiver and a sender process move two files in a row, hashed or not', async (t) => {
  await withRoles(['receiver', 'sender'], async ([receiver, sender], dir) => {
    const data = randomBytes(200_000);
    const source = join(dir, 'source.bin');
    await writeFile(source, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    for (const [index, hash] of [undefined, sha256].entries()) {
      const transferId = 100 + index;
      const name = `received-${index}.bin`;
      sendOrder(receiver, { type: 'receive', dir, name, transferId, options });
      const { port } = await receiver.next<Listening>();
      sendOrder(sender, { type: 'send', path: source, sha256: hash, port, transferId, options });
      // nextOk rejects unless the status is 'ok'.
      const [received, sent] = await Promise.all([
        nextOk(receiver, 'receiver'),
        nextOk(sender, 'sender'),
      ]);
      t.is(received.path, join(dir, name));
      t.true((await readFile(join(dir, name))).equals(data), 'byte-identical');
      t.is(received.stats.bytes, data.length);
      t.is(sent.stats.bytes, data.length);
      t.true(sent.stats.packetsSent >= 200_000 / 1024);
      t.true(received.peakRss > 0 && sent.cpuSeconds > 0);
    }
  });
});

test('an abort order ends a sender whose receiver never answers; nextOk rejects its report', async (t) => {
  // A bound socket that reads nothing: the sender's START goes unanswered and it keeps retrying.
  const silent = createNodePlatform().dgram.createSocket();
  const { port } = await silent.bind(0, '127.0.0.1');
  try {
    await withRoles(['sender'], async ([sender], dir) => {
      const source = join(dir, 'source.bin');
      await writeFile(source, randomBytes(10_000));
      sendOrder(sender, { type: 'send', path: source, port, transferId: 7, options });
      sendOrder(sender, { type: 'abort' });
      // The report says TRANSFER_ABORTED, which nextOk turns into a rejection.
      await t.throwsAsync(nextOk(sender, 'sender'), {
        message: 'the sender failed: TRANSFER_ABORTED',
      });
    });
  } finally {
    silent.close();
  }
});

test("a role given the other role's order reports an error", async (t) => {
  await withRoles(['sender'], async ([sender], dir) => {
    sendOrder(sender, { type: 'receive', dir, name: 'x', transferId: 1, options });
    await t.throwsAsync(sender.next(), { message: /the sender cannot receive/ });
  });
});
