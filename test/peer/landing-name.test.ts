import { posix } from 'node:path';
import test from 'ava';
import { buildWorld } from '../helpers/peer-world.ts';

// The attack of issue "Murphy's law, proven": a 255-byte name fetched twice was received in
// full, verified, then discarded with ENAMETOOLONG when " (1)" made it 259 bytes.
test('a 255-byte name fetched twice lands the second time as a shortened "… (1).pdf"', async (t) => {
  const name = `${'é'.repeat(125)}x.pdf`;
  t.is(Buffer.byteLength(name), 255);
  const world = await buildWorld({
    t,
    seed: 85,
    peers: [{ name: 'eswar', files: { [name]: 'long-named contents' } }, 'eko'],
  });
  const eko = world.peer('eko');
  const first = await world.run(eko.getFile('eswar', name));
  t.is(posix.basename(first.path), name);
  const second = await world.run(eko.getFile('eswar', name));
  const landed = posix.basename(second.path);
  t.is(landed, `${'é'.repeat(123)} (1).pdf`);
  t.true(Buffer.byteLength(landed) <= 255);
  t.is(world.host('eko').files.read(second.path).toString(), 'long-named contents');
  t.deepEqual(world.listFiles('eko').sort(), [landed, name].sort(), 'no partial file left');
  await world.close();
});
