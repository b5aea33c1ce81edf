import test from 'ava';
import { isWhohasError } from '../../impl/errors.ts';
import { Peer, type RoomPins } from '../../impl/peer/index.ts';
import { buildWorld, type PeerWorld } from '../helpers/peer-world.ts';

const GENUINE = 'the real quarterly report';
const TROJAN = 'MZ... a trojan';

/** Pins kept in memory for the simulated requester (the real FileRoomPins is in test/cli). */
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

/** A peer on its own host, logged in as `name` (mallory's host may log in as `alice`). */
function peerOn(world: PeerWorld, host: string, name: string, pins?: RoomPins, accept = false) {
  const simHost = world.hosts.get(host) ?? world.sim.addHost(host);
  world.hosts.set(host, simHost);
  const folder = `/home/${host}/${name}`;
  simHost.files.mkdir(folder);
  return new Peer({
    platform: simHost.platform,
    name,
    server: world.serverAddress,
    folder,
    roomPins: pins,
    acceptRoomChange: accept,
  });
}

interface Squat {
  /** How mallory (logged in as alice) recreates `team`. */
  recreate: { password?: string };
  /** The code bob's join gets, or undefined when --accept-room-change lets him in. */
  code: 'ROOM_NOT_PRIVATE' | 'ROOM_CHANGED' | undefined;
  accept?: boolean;
  /** The room alice first made (private with team-pw unless said otherwise). */
  original?: { password?: string };
}

// The attack of issue "Murphy's law, proven": alice leaves her room, mallory logs in as alice,
// recreates team and shares a trojan under the same name. Before room ids, bob's get fetched it
// and reported it verified.
const squat = test.macro({
  async exec(t, c: Squat) {
    const original = c.original ?? { password: 'team-pw' };
    const world = await buildWorld({
      t,
      seed: 71,
      room: 'team',
      password: original.password,
      peers: [{ name: 'alice', files: { 'report.pdf': GENUINE } }],
    });
    const pins = memoryPins();
    // First use: bob joins the genuine room, downloads, and pins its id.
    const bob = peerOn(world, 'bob', 'bob', pins);
    await world.run(bob.connect());
    await world.run(bob.join('team', original));
    const first = await world.run(bob.getFile('alice', 'report.pdf'));
    t.is(world.host('bob').files.read(first.path).toString(), GENUINE);
    t.is(pins.map.size, 1, 'the room id was pinned on first use');
    await world.run(bob.close());
    await world.run(world.peer('alice').close());

    const mallory = peerOn(world, 'mallory', 'alice');
    await world.run(mallory.connect());
    await world.run(mallory.create('team', c.recreate));
    world.host('mallory').files.write('/home/mallory/alice/report.pdf', TROJAN);

    const again = peerOn(world, 'bob', 'bob', pins, c.accept);
    await world.run(again.connect());
    const join = world.run(again.join('team', original));
    if (c.code === undefined) {
      await join;
      const fetched = await world.run(again.getFile('alice', 'report.pdf'));
      t.is(world.host('bob').files.read(fetched.path).toString(), TROJAN, 'accepted knowingly');
    } else {
      const error = await t.throwsAsync(join);
      t.true(isWhohasError(error, c.code), `${error?.name}: ${error?.message}`);
      t.is(again.state, 'closed', 'bob does not stay in the squatted room');
      t.deepEqual(world.listFiles('bob', '/home/bob/bob'), ['report.pdf'], 'no second file');
    }
    await world.close();
  },
  title: (title) => `room squatting: ${title}`,
});

test('recreated public, bob came with the password: ROOM_NOT_PRIVATE', squat, {
  recreate: {},
  code: 'ROOM_NOT_PRIVATE',
});
test('recreated private with the same password: ROOM_CHANGED from the pin', squat, {
  recreate: { password: 'team-pw' },
  code: 'ROOM_CHANGED',
});
test('a public room recreated public: ROOM_CHANGED from the pin', squat, {
  original: {},
  recreate: {},
  code: 'ROOM_CHANGED',
});
test('--accept-room-change lets bob in knowingly and pins the new id', squat, {
  original: {},
  recreate: {},
  code: undefined,
  accept: true,
});
