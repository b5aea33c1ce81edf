/**
 * Sealed transfers (docs/PROTOCOL.md, "Sealed transfers") across NATs: the seal wraps the NAT
 * channel, so probes and relay frames stay outside it, and a sealed file crosses two cone NATs
 * directly and two symmetric NATs through the relay, byte-identical, every datagram opened.
 */
import test from 'ava';
import { natPeerWorld, type Site } from '../../harness/nat-world.ts';
import type { TransferEnd } from '../../impl/peer/index.ts';
import type { RoomPins } from '../../impl/peer/room-pins.ts';
import { keyPairFromSeed } from '../../impl/seal/keys.ts';

const identityOf = (n: number) => keyPairFromSeed('ed25519', Buffer.alloc(32, n));

function memoryPins(): RoomPins {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value);
    },
  };
}

const sealed = test.macro({
  async exec(t, site: Site, route: 'direct' | 'relay') {
    const world = await natPeerWorld(site, site, {
      seed: 21,
      each: {
        alice: { identity: identityOf(1) },
        bob: { identity: identityOf(2), keyPins: memoryPins() },
      },
    });
    const uploaded = new Promise<TransferEnd>((resolve) =>
      world.alice.once('transfer-end', resolve),
    );
    const result = await world.run(world.bob.getFile('alice', 'file.bin'));
    const upload = await world.run(uploaded);
    t.true(world.hosts.bob.files.read(result.path).equals(Buffer.from(world.file)));
    t.is(result.route, route);
    // The premise: the transfer was sealed, and nothing sealed was refused on the way.
    t.true((upload.seal?.sealed ?? 0) > 0);
    t.like(upload.seal, { rejected: 0, replayed: 0, overflowed: 0 });
    await world.close();
  },
  title: (_, site: Site, route: string) =>
    `a sealed transfer between two ${site} NATs goes ${route}`,
});

test(sealed, 'port-restricted', 'direct');
test(sealed, 'symmetric', 'relay');
