import test from 'ava';
import { ChatServer } from '../../impl/chat/index.ts';
import { isWhohasError } from '../../impl/errors.ts';
import { Peer } from '../../impl/peer/index.ts';
import { Simulator } from '../../sim/index.ts';
import { buildWorld } from '../helpers/peer-world.ts';

test('without --server the peer tries 127.0.0.1 ports 50000 to 50009 as in 2016', async (t) => {
  const sim = new Simulator({ seed: 41 });
  const host = sim.addHost('laptop');
  // Nothing listens on 50000..50002: the peer is refused there and moves on to 50003.
  const server = new ChatServer({ platform: host.platform, host: '127.0.0.1', port: 50003 });
  await sim.until(server.listen());
  const peer = new Peer({ platform: host.platform, name: 'eko', folder: '/home/eko/folder' });
  await sim.until(peer.connect());
  t.deepEqual(peer.server, { host: '127.0.0.1', port: 50003 });
  t.is(await sim.until(peer.joinOrCreate('chatroom')), 'created');
  t.is(peer.state, 'in-room');
  await sim.until(peer.close());
  await sim.until(server.close());
});

test('with no server anywhere, connect fails with CONNECT_FAILED naming every port tried', async (t) => {
  const sim = new Simulator({ seed: 42 });
  const host = sim.addHost('laptop');
  const peer = new Peer({ platform: host.platform, name: 'eko', folder: '/f' });
  const error = await t.throwsAsync(sim.until(peer.connect()));
  t.true(isWhohasError(error, 'CONNECT_FAILED'));
  t.regex(error?.message ?? '', /127\.0\.0\.1:50000 ECONNREFUSED.*127\.0\.0\.1:50009 ECONNREFUSED/);
  t.is(peer.state, 'idle');
});

test('login refusals carry the server code and leave the peer able to try again', async (t) => {
  const world = await buildWorld({
    t,
    seed: 43,
    room: 'secret',
    password: 'hunter2',
    peers: ['eswar', { name: 'eko', enter: false }, { name: 'ESWAR', enter: false }],
  });
  const eko = world.peer('eko');
  await world.run(eko.connect());
  const missing = await t.throwsAsync(world.run(eko.join('nowhere')));
  t.true(isWhohasError(missing, 'NO_SUCH_ROOM'));
  t.is(eko.state, 'idle');
  await world.run(eko.connect());
  const noPassword = await t.throwsAsync(world.run(eko.join('secret')));
  t.true(isWhohasError(noPassword, 'BAD_PASSWORD'));
  await world.run(eko.connect());
  const wrong = await t.throwsAsync(world.run(eko.join('secret', { password: 'guess' })));
  t.true(isWhohasError(wrong, 'WRONG_PASSWORD'));
  await world.run(eko.connect());
  const taken = await t.throwsAsync(world.run(eko.create('secret')));
  t.true(isWhohasError(taken, 'ROOM_EXISTS'));
  await world.run(eko.connect());
  await world.run(eko.join('secret', { password: 'hunter2' }));
  t.is(eko.room, 'secret');
  t.deepEqual(eko.members, ['eswar']);
  await world.sim.runUntil(world.sim.now + 10);
  t.deepEqual(world.peer('eswar').members, ['eko']);

  const twin = world.peer('ESWAR');
  const nameTaken = await t.throwsAsync(world.run(twin.connect()));
  t.true(isWhohasError(nameTaken, 'NAME_TAKEN'));
  t.is(twin.state, 'idle');
  t.throws(
    () => new Peer({ platform: world.host('eko').platform, name: 'two words', folder: '/f' }),
    {
      message: /username "two words" is invalid/,
    },
  );
  await world.close();
});

test('joinOrCreate joins an existing room and creates a missing one', async (t) => {
  const world = await buildWorld({
    t,
    seed: 44,
    peers: ['eswar', { name: 'eko', enter: false }, { name: 'arjun', enter: false }],
  });
  const eko = world.peer('eko');
  await world.run(eko.connect());
  t.is(await world.run(eko.joinOrCreate('chatroom')), 'joined');
  const arjun = world.peer('arjun');
  await world.run(arjun.connect());
  t.is(await world.run(arjun.joinOrCreate('elsewhere')), 'created');
  t.is(arjun.room, 'elsewhere');
  t.deepEqual(arjun.members, []);
  await world.close();
});

test('members follow joins and departures; close leaves the room cleanly', async (t) => {
  const world = await buildWorld({ t, seed: 45, peers: ['eswar', 'eko', 'arjun'] });
  const eswar = world.peer('eswar');
  await world.sim.runUntil(world.sim.now + 10);
  t.deepEqual(eswar.members, ['eko', 'arjun']);
  const seen: string[] = [];
  eswar.on('line', (line) => seen.push(line));
  await world.run(world.peer('eko').close());
  await world.sim.runUntil(world.sim.now + 10);
  t.deepEqual(eswar.members, ['arjun']);
  t.deepEqual(seen, ['INFO|LEFT|eko|User eko has left']);
  t.is(world.peer('eko').state, 'closed');
  await world.close();
});
