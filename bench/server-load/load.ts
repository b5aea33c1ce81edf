/**
 * The load generator, run in child processes by run.ts (child_process.fork with IPC): one holds
 * clients, drives broadcast fan-out and measures probe latency; the flooder runs in a process of
 * its own, so its write loop never delays the probes' timers or reads. Each request `{ cmd, ... }`
 * is answered with one result message.
 */
import { performance } from 'node:perf_hooks';
import { LoadClient, populate } from './clients.ts';

export const PROBE_ROOM = 'probe0';

export type LoadRequest =
  | { cmd: 'hold'; port: number | number[]; clients: number; roomSize: number }
  | { cmd: 'fanout'; senders: number; window: number; seconds: number; payload: number }
  | { cmd: 'latency-setup'; port: number | number[]; pairs: number }
  | { cmd: 'latency'; perSecond: number; seconds: number }
  | { cmd: 'flooder-setup'; port: number }
  | { cmd: 'flood'; seconds: number }
  | { cmd: 'deaf-setup'; port: number; members: number; senders: number; reading: boolean }
  | { cmd: 'deaf-send'; seconds: number; payload: number }
  | { cmd: 'release' };

let held: LoadClient[][] = [];
let probes: { senders: LoadClient[]; receivers: LoadClient[] } | undefined;
let flooder: LoadClient | undefined;
/** The big room of the deaf phase: its senders and its members (paused unless reading). */
let big: { senders: LoadClient[]; members: LoadClient[] } | undefined;

process.on('message', (request: LoadRequest) => {
  handle(request).then(
    (result) => process.send!({ ok: true, ...result }),
    (error: Error) => process.send!({ ok: false, error: error.stack ?? String(error) }),
  );
});

async function handle(request: LoadRequest): Promise<Record<string, unknown>> {
  switch (request.cmd) {
    case 'hold': {
      const start = performance.now();
      held = await populate(request.port, request.clients, request.roomSize);
      return { ms: performance.now() - start, rooms: held.length };
    }
    case 'fanout':
      return fanout(held[0], request.senders, request.window, request.seconds, request.payload);
    case 'latency-setup': {
      const size = request.pairs * 2;
      const [room] = await populate(request.port, size, size, 'p', 'probe');
      probes = { senders: room.slice(0, request.pairs), receivers: room.slice(request.pairs) };
      return { members: room.length };
    }
    case 'latency':
      return latency(request.perSecond, request.seconds);
    case 'flooder-setup': {
      flooder = await LoadClient.connect(request.port, 'flooder');
      await flooder.login(PROBE_ROOM, false);
      return {};
    }
    case 'flood':
      return flood(request.seconds);
    case 'deaf-setup': {
      const size = request.members + request.senders;
      const [room] = await populate(request.port, size, size, 'd', 'big');
      big = { senders: room.slice(0, request.senders), members: room.slice(request.senders) };
      // A member that never reads: TCP's windows fill, then the server's outbox does.
      if (!request.reading) for (const member of big.members) member.socket.pause();
      return { members: big.members.length };
    }
    case 'deaf-send':
      return deafSend(request.seconds, request.payload);
    case 'release': {
      const all = [...held.flat(), ...(probes ? [...probes.senders, ...probes.receivers] : [])];
      if (flooder !== undefined) all.push(flooder);
      if (big !== undefined) all.push(...big.senders, ...big.members);
      big = undefined;
      for (const client of all) client.socket.destroy();
      held = [];
      probes = undefined;
      flooder = undefined;
      return {};
    }
  }
}

/**
 * `senders` members of `room` broadcast as fast as the server delivers: at most `window`
 * broadcasts are outstanding, judged by a tracking member that is not a sender. After `seconds`
 * the senders stop and the run ends when every member has every line.
 */
async function fanout(
  room: LoadClient[],
  senders: number,
  window: number,
  seconds: number,
  payload: number,
) {
  const tracker = room[room.length - 1];
  const sending = room.slice(0, senders);
  const line = `@all|${'x'.repeat(payload)}\n`;
  const recipients = room.length - 1;
  let sent = 0;
  let delivered = 0;
  let next = 0;
  let stopAt = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const trackerBase = tracker.count;
  const pump = () => {
    while (sent - (tracker.count - trackerBase) < window && performance.now() < stopAt) {
      sending[next].socket.write(line);
      next = (next + 1) % sending.length;
      sent += 1;
    }
  };
  for (const client of room) {
    client.onCount = (lines) => {
      delivered += lines;
      if (client === tracker) pump();
      if (performance.now() >= stopAt && delivered >= sent * recipients) finish();
    };
  }
  const start = performance.now();
  stopAt = start + seconds * 1000;
  pump();
  // If the window never fills (tiny rooms), keep pumping on a timer until the time is up.
  const timer = setInterval(() => {
    pump();
    if (performance.now() >= stopAt && delivered >= sent * recipients) finish();
  }, 5);
  await done;
  clearInterval(timer);
  const ms = performance.now() - start;
  for (const client of room) client.onCount = undefined;
  return { sent, delivered, ms, roomSize: room.length };
}

/**
 * Each probe sender sends `@<its receiver>|<timestamp>` `perSecond` times a second for `seconds`;
 * the receivers return the delays (ms) of every probe that arrived.
 */
async function latency(perSecond: number, seconds: number) {
  if (probes === undefined) throw new Error('latency-setup first');
  const { senders, receivers } = probes;
  const delays: number[] = [];
  for (const receiver of receivers) {
    receiver.onLine = (line) => {
      const stamp = Number(line.slice(line.lastIndexOf('|') + 1));
      if (line.startsWith('#p') && Number.isFinite(stamp)) delays.push(performance.now() - stamp);
    };
  }
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      senders.forEach((sender, i) => {
        sender.socket.write(`@${receivers[i].name}|${now}\n`);
      });
      sent += senders.length;
      if (now - start >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / perSecond);
  });
  // Let the last probes arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { delays, sent };
}

/**
 * The flooder (a member of the probe room) writes `@all|...` lines as fast as its socket takes
 * them for `seconds`, reading and dropping whatever comes back.
 */
async function flood(seconds: number) {
  const client = flooder;
  if (client === undefined) throw new Error('flooder-setup first');
  const batch = Buffer.from('@all|flood flood flood flood flood flood flood flood\n'.repeat(64));
  const repliesBefore = client.count;
  let lines = 0;
  let flooding = true;
  const pump = () => {
    while (flooding && client.socket.write(batch)) lines += 64;
    if (flooding) lines += 64;
  };
  client.socket.on('drain', pump);
  pump();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  flooding = false;
  client.socket.off('drain', pump);
  return { lines, replies: client.count - repliesBefore, open: !client.socket.destroyed };
}

/**
 * The big room's senders write `@all|...` lines as fast as their sockets take them for
 * `seconds`; returns the lines written and how many members the server has cut off by then.
 */
async function deafSend(seconds: number, payload: number) {
  if (big === undefined) throw new Error('deaf-setup first');
  const line = `@all|${'x'.repeat(payload)}\n`;
  const batch = Buffer.from(line.repeat(16));
  let lines = 0;
  let sending = true;
  const pumps = big.senders.map((sender) => {
    const pump = () => {
      while (sending && !sender.socket.destroyed && sender.socket.write(batch)) lines += 16;
    };
    sender.socket.on('drain', pump);
    return pump;
  });
  for (const pump of pumps) pump();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  sending = false;
  big.senders.forEach((sender, i) => {
    sender.socket.off('drain', pumps[i]);
  });
  const closed = big.members.filter((member) => member.socket.destroyed).length;
  const sendersOpen = big.senders.filter((sender) => !sender.socket.destroyed).length;
  return { lines, closed, sendersOpen };
}
