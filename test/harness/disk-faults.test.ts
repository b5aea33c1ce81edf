/**
 * The disk-fault wrappers on a simulated host: each test runs the same steps on the plain
 * platform as a control, so the fault is shown to come from the wrapper and not from the host.
 */
import test from 'ava';
import {
  type DiskStall,
  failingCommit,
  slowDisk,
  stallingReads,
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

test('stalling reads wait once, when armed, at the first read past the threshold', async (t) => {
  const { sim, host } = await simHost();
  host.files.write('/downloads/f', Buffer.alloc(300));
  const stall: DiskStall = { armed: false };
  const platform = stallingReads(host.platform, { afterBytes: 100, ms: 30_000 }, stall);
  const readAll = async () => {
    const reader = await sim.until(platform.fs.openRead('/downloads/f'));
    const start = sim.now;
    for (const position of [0, 100, 200]) await sim.until(reader.read(position, 100));
    return sim.now - start;
  };
  t.is(await readAll(), 0, 'not armed: the hashing pass reads at full speed');
  stall.armed = true;
  t.is(await readAll(), 30_000);
  t.is(await readAll(), 0, 'only once');
  t.is((stall.endedAt ?? 0) - (stall.startedAt ?? 0), 30_000);
});
