import test from 'ava';
import { swarmTransfer } from '../../bench/sim-memory.ts';

// The bench's own path at a small size: synthetic owners, digest-only requesters, and every
// download verified against the generator's hash (the figures come from the bench, not here).
test('a small swarm of synthetic files lands intact on digest-only requesters', async (t) => {
  const figures = await swarmTransfer({
    owners: 2,
    requesters: 6,
    bytes: 300_000,
    packetSize: 4096,
    window: 8,
  });
  t.is(figures.downloads, 6);
  t.is(figures.verified, 6);
  t.true(figures.virtualMs > 0);
});
