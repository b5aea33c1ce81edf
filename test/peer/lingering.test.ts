/**
 * A finished download lingers to re-acknowledge a FIN whose final ACK was lost; once the owner
 * says over chat that it heard that ACK (`delivered`), the linger ends at once, so a one-shot
 * `get` (which closes its peer, and so waits for the linger) exits without waiting it out.
 */
import test from 'ava';
import { buildWorld } from '../helpers/peer-world.ts';
import { patternBytes } from '../helpers/platforms.ts';

const LINGER_MS = 5_000;

const closeAfterDownload = test.macro(async (t, arq: 'gbn' | 'sr') => {
  const data = patternBytes(30_000, 11);
  const world = await buildWorld({
    t,
    seed: 23,
    peers: [{ name: 'eswar', files: { a: data } }, 'eko'],
    peerDefaults: { transfer: { lingerMs: LINGER_MS } },
  });
  const eko = world.peer('eko');
  const result = await world.run(eko.getFile('eswar', 'a', { arq }));
  t.true(world.host('eko').files.read(result.path).equals(data));
  const finished = world.sim.now;
  await world.run(eko.close());
  // Without `delivered`, close() waits the whole linger (5 s of virtual time); with it, about a
  // chat round trip through the server.
  const waited = world.sim.now - finished;
  t.true(waited < LINGER_MS / 10, `close() took ${waited} ms after the download`);
  await world.close();
});

test(
  'the linger ends when the owner says it heard the final ACK (Go-Back-N)',
  closeAfterDownload,
  'gbn',
);
test(
  'the linger ends when the owner says it heard the final ACK (Selective Repeat)',
  closeAfterDownload,
  'sr',
);
