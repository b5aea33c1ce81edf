import test from 'ava';
import { Peer } from '../../impl/peer/index.ts';
import type { DatagramSocket, FileReader, Platform } from '../../impl/platform/types.ts';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const MB = 1024 * 1024;
const SLOW = { delayMs: 2, bandwidthBps: 40e6 };
const ABORT_TYPE = 5; // byte 1 of a datagram (docs/PROTOCOL.md, "Header")

/**
 * The owner's platform with two faults the test switches on: files opened for reading shrink to
 * `cut` bytes (reads past it come back short, as after a truncate), and the owner's ABORT
 * datagrams are lost.
 */
function faultyPlatform(base: Platform) {
  const faults = { cut: Number.POSITIVE_INFINITY, abortsDropped: 0 };
  const shrinking = (reader: FileReader): FileReader => ({
    size: reader.size,
    async read(position, length) {
      const chunk = await reader.read(position, length);
      return chunk.subarray(0, Math.max(0, Math.min(chunk.length, faults.cut - position)));
    },
    close: () => reader.close(),
  });
  const losingAborts = (socket: DatagramSocket): DatagramSocket =>
    new Proxy(socket, {
      get(target, key) {
        if (key !== 'send') {
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (msg: Uint8Array, port: number, address: string, callback?: () => void) => {
          if (msg[1] === ABORT_TYPE) {
            faults.abortsDropped += 1;
            return;
          }
          target.send(msg, port, address, callback);
        };
      },
    });
  const platform: Platform = {
    ...base,
    fs: { ...base.fs, openRead: async (path) => shrinking(await base.fs.openRead(path)) },
    dgram: { createSocket: () => losingAborts(base.dgram.createSocket()) },
  };
  return { platform, faults };
}

// The attack of issue "Murphy's law, proven": truncating a file while it is sent. The owner's
// single ABORT was lost and the requester waited 34 s for its idle timeout.
test('a file truncated while it is sent: FILE_CHANGED reaches the requester over chat at once', async (t) => {
  const data = patternBytes(4 * MB, 86);
  const world = await buildWorld({ t, seed: 86, profile: SLOW, peers: ['eko'] });
  const host = world.sim.addHost('eswar');
  world.hosts.set('eswar', host);
  for (const other of [world.serverHost, world.host('eko')]) world.sim.connect(host, other, SLOW);
  host.files.write('/home/eswar/folder/text', data);
  const { platform, faults } = faultyPlatform(host.platform);
  const eswar = new Peer({
    platform,
    name: 'eswar',
    server: world.serverAddress,
    folder: '/home/eswar/folder',
  });
  world.peers.set('eswar', eswar);
  await world.run(eswar.connect());
  await world.run(eswar.join(world.room));

  let truncatedAt = 0;
  const download = world.peer('eko').getFile('eswar', 'text', {
    onProgress: (bytes) => {
      if (bytes >= MB && truncatedAt === 0) {
        truncatedAt = world.sim.now;
        faults.cut = bytes; // the file now ends where the requester is
      }
    },
  });
  const error = await t.throwsAsync(world.run(download));
  const waited = world.sim.now - truncatedAt;
  t.log(`the requester learned of it ${waited.toFixed(0)} ms after the truncation`);
  t.true(faults.abortsDropped > 0, 'the owner did send an ABORT, and it was lost');
  const failure = (error?.cause as { error: { code: string } }[] | undefined)?.[0]?.error;
  t.is(failure?.code, 'FILE_CHANGED', error?.message);
  t.true(waited < 2_000, `waited ${waited} ms`);
  t.deepEqual(world.listFiles('eko'), [], 'no partial file left');
  await world.close();
});
