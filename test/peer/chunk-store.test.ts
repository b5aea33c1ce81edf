/**
 * The data file of a chunked get (impl/peer/chunk-store.ts): each byte is written once, in place,
 * and the final file is that data file renamed. Counted on the simulator's file system.
 */
import test from 'ava';
import { LEAF_BYTES } from '../../impl/peer/merkle.ts';
import type { FileSystem, FileWriter, Platform } from '../../impl/platform/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MIB = 1024 * 1024;

/** The platform with every byte written to its file system counted (temp files, in place, whole). */
function countingWrites(counter: { bytes: number }) {
  return (platform: Platform): Platform => {
    const fs: FileSystem = Object.create(platform.fs);
    fs.createTemp = async (dir, hint) => {
      const writer = await platform.fs.createTemp(dir, hint);
      const counted: FileWriter = Object.create(writer);
      counted.write = (data) => {
        counter.bytes += data.length;
        return writer.write(data);
      };
      return counted;
    };
    fs.openUpdate = async (path) => {
      const updater = await platform.fs.openUpdate(path);
      return {
        write: (position, data) => {
          counter.bytes += data.length;
          return updater.write(position, data);
        },
        close: () => updater.close(),
      };
    };
    fs.writeFile = (path, data, options) => {
      counter.bytes += data.length;
      return platform.fs.writeFile(path, data, options);
    };
    return { ...platform, fs };
  };
}

test('a 64 MiB chunked get from one owner writes each byte once: at most 1.1 × the file plus its tree', async (t) => {
  // Premise: landing each run in its own file, splitting it into chunk files and joining those
  // into the final file wrote every byte three times (2.97 × the size measured before).
  const size = 64 * MIB;
  const data = patternBytes(size, 3);
  const counter = { bytes: 0 };
  const world = await buildWorld({
    t,
    seed: 1,
    peers: [
      { name: 'ann', files: { big: data } },
      { name: 'eko', options: { fault: countingWrites(counter) } },
    ],
  });
  const eko = world.peer('eko');
  const responders = await world.run(eko.whohas('big'));
  const result = await world.run(eko.getFile(responders, 'big', { sources: 1 }));
  t.true(world.host('eko').files.read(result.path).equals(data), 'byte-identical');
  t.deepEqual(world.listFiles('eko'), ['big'], 'no data file, bitmap or tree left behind');
  const tree = (size / MIB) * LEAF_BYTES;
  t.log(`written: ${counter.bytes} bytes, ${(counter.bytes / size).toFixed(3)} × the file`);
  t.true(counter.bytes >= size, 'every byte was written through the counted file system');
  t.true(counter.bytes <= 1.1 * size + tree, `${counter.bytes} bytes written for ${size}`);
  await world.close();
});
