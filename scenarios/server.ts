/**
 * Murphy's law for the server's own life: its port taken, the admin killing a user or shutting
 * down mid-transfer, the server crashing, a peer cut off from it for a while. Users are told,
 * peer-to-peer transfers already running finish, and a new server is usable afterwards.
 */
import { chatRoom, noLineMatching } from './chat-helpers.ts';
import { proves } from './evidence.ts';
import { family } from './format.ts';
import { invariant } from './invariants.ts';
import { buildSwarm, ownerAndRequester, startedDownload } from './swarm.ts';
import type { ScenarioWorld } from './world.ts';

/** A fresh server on the (restarted) server host, and two new peers moving a file through it. */
async function newServerServes(world: ScenarioWorld): Promise<void> {
  await world.startServer();
  await world.probe();
  const swarm = await buildSwarm(world, [
    { name: 'dave', files: { 'after.bin': world.bytes(30_000) }, room: 'again' },
    { name: 'erin', room: 'again' },
  ]);
  await swarm.expectDownload('erin', 'dave', 'after.bin');
}

export const server = family('server', [
  {
    name: 'port-taken',
    description: 'The first ports are taken: the server listens on the next free one',
    tags: ['real'],
    link: 'lan',
    evidence: {
      none: "the taken ports are the script's own listeners; the port the server chose is asserted",
    },
    async script(world) {
      const host = world.host('server');
      const blockers = [host.platform.net.createServer(), host.platform.net.createServer()];
      const first = await world.until(
        blockers[0].listen(world.transport === 'sim' ? 50_000 : 0, host.address),
      );
      await world.until(blockers[1].listen(first.port + 1, host.address));
      world.disposers.push(async () => {
        for (const blocker of blockers) await world.settle(blocker.close());
      });
      const record = await world.startServer({ port: first.port, portTries: 10 });
      invariant(record.port > first.port + 1, `listening on ${record.port}, a taken port`);
      invariant(record.port <= first.port + 9, `listening on ${record.port}, past the tries`);
      await chatRoom(world);
    },
  },
  {
    name: 'admin-kill',
    description:
      'The admin kills a raw user and a peer: both told KILLED, the room told, others stay',
    tags: ['real'],
    link: 'lan',
    evidence: proves(
      { counter: 'error.KILLED', atLeast: 2 },
      { counter: 'server.killed', atLeast: 2 },
    ),
    async script(world) {
      const { alice, bob } = await chatRoom(world);
      const mallory = await world.login('mallory', 'lobby');
      world.retire(mallory);
      const swarm = await buildSwarm(world, [{ name: 'dave', room: 'lobby' }]);
      const admin = world.server.server.admin;
      invariant(admin.execute('kill mallory spamming').length > 0, 'kill printed nothing');
      await world.expectError(mallory, 'KILLED');
      await world.until(mallory.whenClosed());
      await world.until(alice.expect('INFO|LEFT|mallory|User mallory was removed'));
      const dave = swarm.get('dave');
      dave.retired = true;
      admin.execute('kill dave');
      await world.eventually(
        () => dave.peer.state !== 'in-room',
        () => `dave is still ${dave.peer.state} after being killed`,
      );
      invariant(
        dave.lines.some((line) => line.startsWith('ERROR|KILLED|')),
        'dave was not told',
      );
      const unknown = admin.execute('kill nobody');
      invariant(unknown.join(' ').length > 0, 'killing an unknown user printed nothing');
      await world.until(bob.expect('INFO|LEFT|dave|'));
    },
  },
  {
    name: 'admin-exit-mid-transfer',
    description: 'The admin shuts the server down mid-transfer: all told, the transfer completes',
    tags: [],
    link: { bandwidthBps: 4e6, delayMs: 2 },
    evidence: proves(
      { counter: 'error.SERVER_SHUTDOWN', atLeast: 3 },
      { counter: 'transfer.completed', atLeast: 2 },
    ),
    async script(world) {
      const swarm = await ownerAndRequester(world, 400_000);
      const carol = await world.login('carol', 'elsewhere', { create: true });
      world.retire(carol);
      const { download } = await startedDownload(world, swarm);
      // bob accepted; a few ms more and alice has the acceptance too: the transfer is running.
      await world.sleep(20);
      const record = world.server;
      record.server.admin.execute('exit maintenance');
      await world.expectError(carol, 'SERVER_SHUTDOWN');
      await world.until(record.server.closed);
      record.up = false;
      const got = await world.until(download);
      invariant(
        got.ok,
        `the transfer died with the server: ${got.error?.code} ${got.error?.message}`,
      );
      for (const name of ['alice', 'bob']) {
        const handle = swarm.get(name);
        invariant(
          handle.lines.some((l) => l.startsWith('ERROR|SERVER_SHUTDOWN|')),
          `${name} not told`,
        );
        handle.retired = true;
      }
    },
    recover: newServerServes,
  },
  {
    name: 'server-crash',
    description: 'The server host crashes: peers report SERVER_GONE and close cleanly',
    tags: [],
    link: 'lan',
    evidence: proves('host.crashes', { counter: 'error.SERVER_GONE', atLeast: 2 }),
    async script(world) {
      const swarm = await ownerAndRequester(world, 1000);
      const carol = await world.login('carol', 'elsewhere', { create: true });
      world.retire(carol);
      world.crash('server');
      await world.until(carol.whenClosed());
      for (const name of ['alice', 'bob']) {
        const handle = swarm.get(name);
        handle.retired = true;
        await world.eventually(
          () => handle.errors.some((e) => e.code === 'SERVER_GONE'),
          () => `${name} did not report SERVER_GONE (errors: ${handle.errors.map((e) => e.code)})`,
        );
        await world.until(handle.peer.close());
      }
      world.restart('server');
    },
    recover: newServerServes,
  },
  {
    name: 'partition-heals',
    description: 'A peer cut off from the server for seconds gets its messages once healed',
    tags: [],
    link: 'lan',
    evidence: proves('net.stalled'),
    async script(world) {
      const swarm = await ownerAndRequester(world, 20_000);
      world.partition('alice', 'server');
      await world.until(swarm.get('bob').peer.send('@alice|during the partition'));
      await world.sleep(2000 + Math.floor(world.random() * 3000));
      const alice = swarm.get('alice');
      noLineMatching(alice, /during the partition/, 'got a message through a partition');
      // Once healed, the message must arrive (checked with the other liveness probes).
      world.liveness.push(() =>
        world.eventually(
          () => alice.lines.includes('#bob|during the partition'),
          () => 'alice never got the message sent during the partition',
        ),
      );
    },
  },
]);
