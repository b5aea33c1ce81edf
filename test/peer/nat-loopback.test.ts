/**
 * NAT traversal on real sockets (loopback): the login STUN, the per-transfer STUN and punching
 * share the transfer socket with a driver that connects it, as the simulator cannot show (Node
 * refuses an address on a connected socket). The download goes direct over the punched pair.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ChatServer } from '../../impl/chat/index.ts';
import { NatGranter, startNatService } from '../../impl/nat/service.ts';
import type { TransferEnd } from '../../impl/peer/index.ts';
import { Peer } from '../../impl/peer/peer.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';

test('two peers with NAT traversal on move a file over real loopback sockets, direct', async (t) => {
  const platform = createNodePlatform();
  const granter = new NatGranter();
  const server = new ChatServer({ platform, host: '127.0.0.1', port: 0, relay: granter });
  const at = await server.listen();
  granter.service = await startNatService(platform, at);
  const root = await mkdtemp(join(tmpdir(), 'whohas-nat-'));
  const data = Buffer.alloc(2_000_000, 7);
  for (const name of ['alice', 'bob']) await platform.fs.mkdir(join(root, name));
  await writeFile(join(root, 'alice', 'f.bin'), data);
  const peer = (name: string, folder: string) =>
    new Peer({
      platform,
      name,
      folder,
      server: { host: '127.0.0.1', port: at.port },
      nat: { stun: 'server' },
    });
  const alice = peer('alice', join(root, 'alice'));
  const bob = peer('bob', join(root, 'bob'));
  try {
    await alice.connect();
    await alice.create('room');
    await bob.connect();
    await bob.join('room');
    const uploaded = new Promise<TransferEnd>((resolve) => alice.once('transfer-end', resolve));
    const result = await bob.getFile('alice', 'f.bin');
    const upload = await uploaded;
    t.true((await readFile(result.path)).equals(data));
    // The premise: STUN answered (so the transfer punched) and the pair is the punched one.
    t.is(bob.reflexive?.address, '127.0.0.1');
    t.is(result.route, 'direct');
    t.is(result.pair?.kind, 'host');
    t.is(upload.error, undefined);
    t.true((upload.nat?.answersReceived ?? 0) >= 1);
  } finally {
    await Promise.allSettled([bob.close(), alice.close()]);
    await server.close('test over');
    await granter.service.close();
    await rm(root, { recursive: true, force: true });
  }
});
