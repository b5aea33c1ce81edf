/**
 * Murphy's law for hostile users: floods, clients that never read, connection storms, forged
 * senders and prying into other rooms. The server refuses each clearly, cuts off the abuser
 * when it must, and keeps serving everyone else with bounded memory.
 */

import type { LineClient } from '../harness/line-client.ts';
import { chatRoom, expectReplies, noLineMatching, receivedExactly, sync } from './chat-helpers.ts';
import { proves } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';

export const malicious = family('malicious', [
  {
    name: 'all-flood',
    description:
      '@all flood: RATE_LIMITED, then FLOODING and a cut-off; the room gets a bounded share',
    tags: [],
    link: 'lan',
    evidence: proves('error.RATE_LIMITED', 'error.FLOODING', 'server.rateLimited', 'server.cutOff'),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const mallory = await world.login('mallory', 'lobby');
      world.retire(mallory);
      const count = 400 + Math.floor(world.random() * 200);
      mallory.sendRaw(Array.from({ length: count }, (_, i) => `@all|spam ${i}\n`).join(''));
      await world.expectError(mallory, 'RATE_LIMITED');
      await world.expectError(mallory, 'FLOODING');
      await world.until(mallory.whenClosed());
      await world.until(bob.expect('INFO|LEFT|mallory|'));
      const spam = bob.lines.filter((line) => line.startsWith('#mallory|spam')).length;
      // The bucket holds 40 lines and refills at 20 per second: the room sees about that many.
      const allowed = 40 + Math.ceil((world.elapsedMs() / 1000) * 20);
      invariant(
        spam > 0 && spam <= allowed,
        `bob received ${spam} spam lines (allowed ${allowed})`,
      );
      await sync(world, alice, 'alice still here');
    },
  },
  {
    name: 'never-reads',
    description: 'A client that never reads is cut off once its outbox is full; others unaffected',
    tags: [],
    link: 'lan',
    evidence: proves('server.cutOff'),
    async script(world) {
      const maxOutboxBytes = 64 * 1024;
      const { alice, bob } = await chatRoom(world, {
        maxOutboxBytes,
        rateLinesPerSecond: 10_000,
        rateBurst: 10_000,
      });
      const mallory = await world.login('mallory', 'lobby');
      world.retire(mallory);
      mallory.stopReading();
      const payload = 'z'.repeat(3000);
      const removed = (line: string) =>
        line.startsWith('INFO|LEFT|mallory|User mallory was removed');
      let sent = 0;
      // Enough to fill the outbox many times over, in batches so alice's own sends stay paced.
      while (!bob.lines.some(removed) && sent < 2000) {
        for (let i = 0; i < 50; i++) alice.send(`@all|${sent++} ${payload}`);
        await sync(world, alice, `batch ${sent}`);
      }
      await world.until(bob.expect(removed, 'mallory removed'));
      const stats = world.server.server.stats;
      invariant(stats.cutOff >= 1, `the server cut nobody off (stats ${JSON.stringify(stats)})`);
      await world.until(bob.expect(`#alice|${sent - 1} `));
    },
  },
  {
    name: 'never-reads-slowly',
    description: 'A client that stops reading under a trickle is cut off after the stall timeout',
    tags: [],
    link: 'lan',
    budget: { faultMs: 120_000 },
    evidence: proves('server.cutOff'),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const mallory = await world.login('mallory', 'lobby');
      world.retire(mallory);
      mallory.stopReading();
      const removed = (line: string) =>
        line.startsWith('INFO|LEFT|mallory|User mallory was removed');
      // Well below the outbox cap, but enough to fill the socket buffers: only the stall
      // timeout (30 s by default) can end it.
      for (let i = 0; i < 60 && !bob.lines.some(removed); i++) {
        alice.send(`@all|${i} ${'t'.repeat(3000)}`);
        await world.sleep(1000);
      }
      await world.until(bob.expect(removed, 'mallory removed'));
      invariant(world.elapsedMs() >= 30_000, `cut off after only ${world.elapsedMs()} ms`);
      invariant(world.server.meter.maxWritableLength < 1024 * 1024, 'the outbox filled instead');
    },
  },
  {
    name: 'hundreds-of-connections',
    description:
      'Hundreds of idle connections: past the cap each gets SERVER_FULL; users still served',
    tags: ['real'],
    link: 'lan',
    evidence: proves(
      { counter: 'error.SERVER_FULL', atLeast: 62 },
      { counter: 'server.refusedFull', atLeast: 62 },
    ),
    async script(world) {
      const maxConnections = 200;
      // The server-wide cap is under test here; on loopback every client shares 127.0.0.1, so
      // the per-address caps (tested in test/chat/admission.test.ts) are lifted out of the way.
      const { alice, bob } = await chatRoom(world, {
        maxConnections,
        maxLoginsPerAddress: maxConnections,
        maxConnectionsPerAddress: 2 * maxConnections,
      });
      const storm: LineClient[] = [];
      for (let i = 0; i < 260; i++) {
        const client = await world.connect(`storm${i}`, `storm${i % 8}`);
        world.retire(client);
        storm.push(client);
      }
      const refused = storm.slice(maxConnections - 2);
      for (const client of refused) {
        await world.expectError(client, 'SERVER_FULL');
        await world.until(client.whenClosed());
      }
      for (const client of storm.slice(0, maxConnections - 2)) {
        await world.until(client.expect('OK|Welcome to whohas.'));
      }
      alice.send('@bob|still here');
      await world.until(bob.expect('#alice|still here'));
      for (const client of storm) client.destroy();
      const { server } = world.server;
      await world.eventually(
        () => server.stats.connections === 2,
        () => `${server.stats.connections} connections still open after the storm left`,
      );
    },
  },
  {
    name: 'forged-sender',
    description: 'Forged #sender, OK| and INFO| lines are refused or arrive under the true sender',
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.BAD_FORMAT', atLeast: 4 }),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const mallory = await world.login('mallory', 'lobby');
      await expectReplies(
        world,
        mallory,
        [
          '#alice|I am alice\n',
          'OK|Welcome to lobby. You are all set to pass messages\n',
          'INFO|LEFT|alice|User alice has left\n',
          '#server|shutting down\n',
        ],
        Array(4).fill('ERROR|BAD_FORMAT|'),
      );
      await world.until(bob.expect('INFO|JOINED|mallory|'));
      await world.until(alice.expect('INFO|JOINED|mallory|'));
      const [aliceStart, bobStart] = [alice.lines.length, bob.lines.length];
      const texts = ['#alice|hi', 'OK|You have joined', 'INFO|JOINED|eve|x', 'ERROR|KILLED|x'];
      for (const text of texts) {
        mallory.send(`@bob|${text}`);
        mallory.send(`@all|${text}`);
      }
      // Once mallory's own marker is back, everything mallory sent has been routed.
      await sync(world, mallory, 'mallory synced');
      await sync(world, bob, 'bob synced');
      await sync(world, alice, 'alice synced');
      const fromMallory = texts.map((text) => `#mallory|${text}`);
      receivedExactly(bob, bobStart, [
        ...fromMallory.flatMap((line) => [line, line]),
        '#me|bob synced',
      ]);
      receivedExactly(alice, aliceStart, [...fromMallory, '#me|alice synced']);
    },
  },
  {
    name: 'get-passwd-non-member',
    description: "get_passwd and get_peers of another user's private room are NOT_A_MEMBER",
    tags: ['real'],
    link: 'lan',
    evidence: proves({ counter: 'error.NOT_A_MEMBER', atLeast: 3 }, 'error.NO_SUCH_ROOM'),
    async script(world) {
      await world.startServer();
      const alice = await world.login('alice', 'vault', { create: true, password: 'hunter2' });
      const mallory = await world.login('mallory', 'lobby', { create: true });
      await expectReplies(
        world,
        mallory,
        [
          '@server|get_passwd|vault\n',
          '@server|get_passwd|VAULT\n',
          '@server|get_peers|vault\n',
          '@server|get_passwd|nowhere\n',
          '@server|get_passwd\n',
          '@server|get_rooms\n',
        ],
        [
          'ERROR|NOT_A_MEMBER|',
          'ERROR|NOT_A_MEMBER|',
          'ERROR|NOT_A_MEMBER|',
          'ERROR|NO_SUCH_ROOM|',
          'PASSWD|lobby|public',
          'ROOMS|lobby|vault',
        ],
      );
      noLineMatching(mallory, /hunter2/, 'learned the password');
      await expectReplies(world, alice, ['@server|get_passwd\n'], ['PASSWD|vault|private|hunter2']);
    },
  },
]);
