/** The same server and test client on the real Node platform (the rest runs on the simulator). */
import test from 'ava';
import { onNode } from '../helpers/chat-world.ts';

test('login, unicast, broadcast and exit on the Node platform', onNode, async (t, world) => {
  const eswar = await world.login('eswar', 'chatroom', { create: true });
  const eko = await world.login('eko', 'chatroom');
  t.is(await eswar.next(), 'INFO|JOINED|eko|New user eko has joined');
  eko.send('@all|whohas|text');
  t.is(await eswar.next(), '#eko|whohas|text');
  eswar.send('@eko|ME');
  t.is(await eko.next(), '#eswar|ME');
  eko.send('@server|exit');
  t.deepEqual(await eko.closed(), ['OK|Goodbye eko']);
  t.is(await eswar.next(), 'INFO|LEFT|eko|User eko has left');
  t.is(world.server.stats.linesRouted, 2);
});
