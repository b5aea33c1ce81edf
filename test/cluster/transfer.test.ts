/**
 * whohas and getfile across servers: two real peers (real sockets, real folders) on different
 * servers of a cluster; the requester finds the file through the chat and downloads it over UDP.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Peer } from '../../impl/peer/peer.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { redisTest, withCluster } from '../helpers/redis-cluster.ts';

const test = redisTest();

test('a peer on one server downloads a file from a peer on another', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'whohas-cluster-'));
  const peers: Peer[] = [];
  try {
    await withCluster(t, 2, async ({ servers }) => {
      const peer = (name: string, index: number, share: boolean) => {
        const made = new Peer({
          platform: createNodePlatform(),
          name,
          folder: join(root, name),
          share,
          server: { host: '127.0.0.1', port: servers[index].port },
        });
        peers.push(made);
        return made;
      };
      const content = Buffer.alloc(300_000, 'cluster ');
      const owner = peer('owner', 0, true);
      const asker = peer('asker', 1, false);
      await owner.connect();
      writeFileSync(join(root, 'owner', 'notes.txt'), content);
      await owner.create('files');
      await asker.connect();
      await asker.join('files');
      const result = await asker.getFile('owner', 'notes.txt');
      t.is(result.from.user, 'owner');
      const got = readFileSync(result.path);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      t.is(sha(got), sha(content));
    });
  } finally {
    await Promise.all(peers.map((p) => p.close().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  }
});
