import test, { type ExecutionContext } from 'ava';
import { type ChatWorld, onSim, threeUsers } from '../helpers/chat-world.ts';

test('@user|text is delivered as #sender|text, | in the text kept', onSim, async (t, world) => {
  const { eswar, eko } = await threeUsers(world);
  eko.send('@eswar|getfile|text|10.0.0.3|40453|7');
  t.is(await eswar.next(), '#eko|getfile|text|10.0.0.3|40453|7');
  eswar.send('@EKO|ME');
  t.is(await eko.next(), '#eswar|ME');
  t.is(world.server.stats.linesRouted, 2);
});

test('@all|text reaches everyone else in the room, and only that room', onSim, async (t, world) => {
  const { eswar, eko, bob } = await threeUsers(world);
  const carol = await world.login('carol', 'chatroom');
  await eswar.next();
  await eko.next();
  eko.send('@all|whohas|text');
  t.is(await eswar.next(), '#eko|whohas|text');
  t.is(await carol.next(), '#eko|whohas|text');
  // Nothing for the sender or for the other room: their next line is their own reply.
  t.is(await eko.ask('@me|mark'), '#me|mark');
  t.is(await bob.ask('@me|mark'), '#me|mark');
});

// A person's console must tell a message to them alone from one to everyone: the wire form of
// both is #sender|text, so a connection may ask for DIRECT|sender|text on the private ones.
test(
  'after @server|direct_tag, messages to that user alone arrive as DIRECT|sender|text',
  onSim,
  async (t, world) => {
    const { eswar, eko } = await threeUsers(world);
    const carol = await world.login('carol', 'chatroom');
    await eswar.next();
    await eko.next();
    t.is(
      await eko.ask('@server|direct_tag'),
      'OK|Messages to you alone now arrive as DIRECT lines',
    );
    eswar.send('@eko|just you');
    t.is(await eko.next(), 'DIRECT|eswar|just you');
    eswar.send('@all|everyone');
    t.is(await eko.next(), '#eswar|everyone');
    t.is(await carol.next(), '#eswar|everyone');
    // Who did not ask keeps the 2016 form.
    eko.send('@carol|and you');
    t.is(await carol.next(), '#eko|and you');
  },
);

test('@all alone in a room delivers nothing and is not an error', onSim, async (t, world) => {
  const { bob } = await threeUsers(world);
  bob.send('@all|anyone?');
  t.is(await bob.ask('@me|after'), '#me|after');
});

test('@me|text and @<own name>|text come back as #me|text', onSim, async (t, world) => {
  const { eko } = await threeUsers(world);
  t.is(await eko.ask('@me|setwindow|32'), '#me|setwindow|32');
  t.is(await eko.ask('@eko|setwindow|16'), '#me|setwindow|16');
});

test(
  '@user of another room or of nobody: NO_SUCH_USER, nothing delivered',
  onSim,
  async (t, world) => {
    const { eswar, eko, bob } = await threeUsers(world);
    t.is(await eko.ask('@bob|psst'), 'ERROR|NO_SUCH_USER|User bob is not in chatroom chatroom');
    t.is(await eko.ask('@ghost|boo'), 'ERROR|NO_SUCH_USER|User ghost is not in chatroom chatroom');
    t.is(await bob.ask('@me|x'), '#me|x');
    t.is(await eswar.ask('@me|x'), '#me|x');
  },
);

const BAD_FORMAT =
  'ERROR|BAD_FORMAT|Send @<user>, @all, @me or @server, then a vertical bar, then the text';

test('the sender is always the true one: spoofing lines are refused', onSim, async (t, world) => {
  const { eswar, eko } = await threeUsers(world);
  t.is(await eko.ask('#eswar|I am eswar'), BAD_FORMAT);
  t.is(await eko.ask('INFO|LEFT|eswar|User eswar has left'), BAD_FORMAT);
  t.is(await eko.ask('OK|Welcome to chatroom'), BAD_FORMAT);
  // A forged prefix inside the text stays text, behind the true sender.
  eko.send('@eswar|#server|fake admin line');
  t.is(await eswar.next(), '#eko|#server|fake admin line');
  // An embedded newline only ends the line: the rest is a line of its own, and refused.
  eko.socket.write('@all|\nINFO|LEFT|eswar|gone\n');
  t.deepEqual(await eko.take(2), ['ERROR|EMPTY_MESSAGE|The message is empty', BAD_FORMAT]);
  t.is(await eswar.ask('@me|probe'), '#me|probe');
  t.is(world.server.stats.linesRouted, 2);
});

async function malformed(
  t: ExecutionContext,
  world: ChatWorld,
  line: string,
  reply: string,
): Promise<void> {
  const { eswar, eko } = await threeUsers(world);
  t.is(await eko.ask(line), reply);
  t.is(await eswar.ask('@me|nothing arrived before this'), '#me|nothing arrived before this');
}

const malformedCases: [string, string][] = [
  ['hello', BAD_FORMAT],
  ['@eswar', BAD_FORMAT],
  ['@|text', BAD_FORMAT],
  ['@eswar|', 'ERROR|EMPTY_MESSAGE|The message is empty'],
  ['@all|', 'ERROR|EMPTY_MESSAGE|The message is empty'],
];
for (const [line, reply] of malformedCases) {
  test(`in a room, ${JSON.stringify(line)} is refused`, onSim, (t, world) =>
    malformed(t, world, line, reply),
  );
}

test('@server|get_rooms, get_peers and get_passwd', onSim, async (t, world) => {
  const { eko, bob } = await threeUsers(world);
  t.is(await eko.ask('@server|get_rooms'), 'ROOMS|chatroom|other');
  t.is(await eko.ask('@server|get_peers'), 'PEERS|eswar|eko');
  t.is(await eko.ask('@server|get_passwd'), 'PASSWD|chatroom|public');
  t.is(await bob.ask('@server|get_passwd'), 'PASSWD|other|private|pw');
  t.is(await bob.ask('@server|get_peers|chatroom'), 'PEERS|eswar|eko');
  t.is(await eko.ask('@server|get_peers|other'), 'ERROR|NOT_A_MEMBER|Chatroom other is private');
  t.is(
    await eko.ask('@server|get_passwd|other'),
    'ERROR|NOT_A_MEMBER|Only members of other may see its password',
  );
  t.is(await eko.ask('@server|get_passwd|nowhere'), 'ERROR|NO_SUCH_ROOM|No chatroom named nowhere');
  t.is(
    await eko.ask('@server|help'),
    'OK|Commands: get_rooms, get_peers, get_passwd, direct_tag, relay, exit, help',
  );
  t.regex(await eko.ask('@server|sudo'), /^ERROR\|UNKNOWN_COMMAND\|Unknown server command sudo;/);
});

test('@server|exit: goodbye, the room hears it, the name is free', onSim, async (t, world) => {
  const { eswar, eko } = await threeUsers(world);
  eko.send('@server|exit');
  t.deepEqual(await eko.closed(), ['OK|Goodbye eko']);
  t.is(await eswar.next(), 'INFO|LEFT|eko|User eko has left');
  t.is(await eswar.ask('@server|get_peers'), 'PEERS|eswar');
  const again = await world.login('eko', 'chatroom');
  t.is(await again.ask('@server|get_peers'), 'PEERS|eswar|eko');
});

test(
  'a client that vanishes is announced, and an empty room disappears',
  onSim,
  async (t, world) => {
    const { eswar, eko, bob } = await threeUsers(world);
    eko.socket.destroy();
    t.is(await eswar.next(), 'INFO|LEFT|eko|User eko disconnected');
    eswar.socket.end();
    await eswar.closed();
    t.is(await bob.ask('@server|get_rooms'), 'ROOMS|other');
    t.is(world.server.stats.rooms, 1);
    t.is(world.server.stats.users, 1);
  },
);

test('a disconnect in the middle of a line delivers nothing of it', onSim, async (t, world) => {
  const { eswar, eko } = await threeUsers(world);
  eko.socket.write('@all|half a mess');
  eko.socket.end();
  t.is(await eswar.next(), 'INFO|LEFT|eko|User eko disconnected');
  t.is(world.server.stats.linesRouted, 0);
});
