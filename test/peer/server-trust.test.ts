/**
 * TLS on the chat line, the peer's trust in the server (docs/PROTOCOL.md, "TLS on the chat
 * line"): the certificate's fingerprint is pinned on first use, and a server that later shows
 * another certificate at the same address (a machine in the middle, or a new key) is refused
 * with SERVER_KEY_CHANGED unless the user accepts it. The pin logic first on its own (any
 * platform), then with a real ChatServer over node:tls on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createSimBackend } from '../../harness/backend-sim.ts';
import { ChatServer } from '../../impl/chat/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { Peer, type RoomPins, type ServerTrust, trustServer } from '../../impl/peer/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { testCertificate } from '../helpers/tls.ts';

function memoryPins(): RoomPins & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (key) => map.get(key),
    set: async (key, id) => {
      map.set(key, id);
    },
  };
}

const SERVER = { host: '127.0.0.1', port: 50000 };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

interface PinCase {
  pinned: string | undefined;
  shown: string;
  accept: boolean;
  outcome: 'first-use' | 'known' | 'changed' | 'SERVER_KEY_CHANGED';
}

const pinning = test.macro({
  async exec(t, c: PinCase) {
    const pins = memoryPins();
    if (c.pinned) pins.map.set('server:127.0.0.1:50000', c.pinned);
    const heard: string[] = [];
    const trust: ServerTrust = {
      pins,
      acceptChange: c.accept,
      onCertificate: (_, how) => heard.push(how),
    };
    const checked = trustServer(trust, SERVER, c.shown);
    if (c.outcome === 'SERVER_KEY_CHANGED') {
      const error = await t.throwsAsync(checked);
      t.true(isWhohasError(error, 'SERVER_KEY_CHANGED'));
      t.is(pins.map.get('server:127.0.0.1:50000'), c.pinned, 'the pin is kept');
    } else {
      await checked;
      t.deepEqual(heard, [c.outcome]);
      t.is(pins.map.get('server:127.0.0.1:50000'), c.shown);
    }
  },
  title: (title = '') => `server certificate pin: ${title}`,
});

test('first use pins', pinning, {
  pinned: undefined,
  shown: A,
  accept: false,
  outcome: 'first-use',
});
test('the pinned one is known', pinning, { pinned: A, shown: A, accept: false, outcome: 'known' });
test('another one is refused', pinning, {
  pinned: A,
  shown: B,
  accept: false,
  outcome: 'SERVER_KEY_CHANGED',
});
test('another one accepted is pinned', pinning, {
  pinned: A,
  shown: B,
  accept: true,
  outcome: 'changed',
});

test('a peer asking for TLS on the simulator (no TLS there) fails clearly: TLS_FAILED', async (t) => {
  const backend = createSimBackend(3);
  const host = backend.addHost('eko');
  const peer = new Peer({
    platform: host.platform,
    name: 'eko',
    server: SERVER,
    folder: '/share',
    tls: { pins: undefined, acceptChange: false },
  });
  const error = await t.throwsAsync(backend.sim.until(peer.connect()));
  t.true(isWhohasError(error, 'TLS_FAILED'), String(error));
});

async function tlsServer(cert: { cert: string; key: string }, port = 0) {
  const server = new ChatServer({ platform: createNodePlatform(), port, portTries: 1, tls: cert });
  const address = await server.listen();
  return { server, port: address.port };
}

// The peers' (empty) folder: connect() opens it.
const scratch = mkdtempSync(join(tmpdir(), 'whohas-trust-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

function tlsPeer(name: string, port: number, pins: RoomPins, accept = false) {
  return new Peer({
    platform: createNodePlatform(),
    name,
    server: { host: '127.0.0.1', port },
    folder: scratch,
    tls: { pins, acceptChange: accept },
  });
}

test('a real TLS chat server: first use pins its fingerprint; a new certificate at the same address is refused before login, unless accepted', async (t) => {
  const [first, second] = [await testCertificate(), await testCertificate()];
  const pins = memoryPins();
  const one = await tlsServer(first);
  const alice = tlsPeer('alice', one.port, pins);
  // connect() logs in: the dialog ran inside TLS.
  await alice.connect();
  t.is(pins.map.get(`server:127.0.0.1:${one.port}`), first.fingerprint);
  await alice.close();
  await one.server.close('restart with another key');

  const two = await tlsServer(second, one.port);
  const logins: string[] = [];
  const mallory = tlsPeer('alice', two.port, pins);
  mallory.on('line', (line) => logins.push(line));
  const error = await t.throwsAsync(mallory.connect());
  t.true(isWhohasError(error, 'SERVER_KEY_CHANGED'), String(error));
  t.deepEqual(logins, [], 'no line was exchanged with the changed server');
  t.is(pins.map.get(`server:127.0.0.1:${one.port}`), first.fingerprint);

  const accepting = tlsPeer('alice', two.port, pins, true);
  await accepting.connect();
  t.is(pins.map.get(`server:127.0.0.1:${one.port}`), second.fingerprint, 'the new key is pinned');
  await accepting.close();
  await two.server.close('done');
});
