/**
 * The disk-fault wrappers on a simulated host: each test runs the same steps on the plain
 * platform as a control, so the fault is shown to come from the wrapper and not from the host.
 */
import test from 'ava';
import {
  type DiskStall,
  failingCommit,
  slowDisk,
  stallingDisk,
} from '../../harness/disk-faults.ts';
import { createWorld } from '../../harness/world.ts';
import type { Platform } from '../../impl/platform/types.ts';
import type { Simulator } from '../../sim/index.ts';

async function simHost() {
  const world = await createWorld({ backend: 'sim', seed: 1 });
  const host = world.simHost('disk');
  host.files.mkdir('/downloads');
  return { sim: world.sim as Simulator, host };
}

/** Virtual milliseconds three writes to a fresh temp file take on `platform`. */
async function threeWrites(sim: Simulator, platform: Platform): Promise<number> {
  const writer = await sim.until(platform.fs.createTemp('/downloads', 'file.bin'));
  const start = sim.now;
  for (const chunk of ['a', 'b', 'c']) await sim.until(writer.write(Buffer.from(chunk)));
  return sim.now - start;
}

test('a slow disk spends its delay on every temp-file write; the plain disk none', async (t) => {
  const { sim, host } = await simHost();
  t.is(await threeWrites(sim, host.platform), 0);
  t.is(await threeWrites(sim, slowDisk(host.platform, 25)), 75);
});

test('a slow disk still writes the bytes it was given', async (t) => {
  const { sim, host } = await simHost();
  const writer = await sim.until(slowDisk(host.platform, 5).fs.createTemp('/downloads', 'f'));
  await sim.until(writer.write(Buffer.from('hello')));
  await sim.until(writer.commit('/downloads/f'));
  t.is(host.files.read('/downloads/f').toString(), 'hello');
});

test('a failing disk refuses the commit with EIO and leaves no file; the plain disk commits', async (t) => {
  const { sim, host } = await simHost();
  const plain = await sim.until(host.platform.fs.createTemp('/downloads', 'ok'));
  await sim.until(plain.write(Buffer.from('x')));
  await sim.until(plain.commit('/downloads/ok'));
  const failing = await sim.until(failingCommit(host.platform).fs.createTemp('/downloads', 'no'));
  await sim.until(failing.write(Buffer.from('x')));
  const error = await t.throwsAsync(sim.until(failing.commit('/downloads/no')));
  t.is((error as NodeJS.ErrnoException).code, 'EIO');
  t.deepEqual(
    host.files
      .list('/downloads')
      .map((entry) => entry.name)
      .filter((name) => !name.startsWith('.')),
    ['ok'],
  );
});

test('a stalling disk waits once, at the first write past its threshold; the plain disk never', async (t) => {
  const { sim, host } = await simHost();
  t.is(await threeWrites(sim, host.platform), 0);
  const stall: DiskStall = {};
  // 'a' makes 1 byte written, so 'b' is the first write at or past afterBytes = 1.
  t.is(
    await threeWrites(sim, stallingDisk(host.platform, { afterBytes: 1, ms: 40_000 }, stall)),
    40_000,
  );
  t.is((stall.endedAt ?? 0) - (stall.startedAt ?? 0), 40_000);
});
