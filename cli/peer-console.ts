/**
 * The interactive side of `whohas peer`: server lines appear above the prompt while you type,
 * typed lines go to the server (`@me|...` commands run locally), `@owner|getfile|file` starts a
 * real download with a progress bar and a summary line. End of input lets running downloads
 * finish; ^C and `@server|exit` leave at once.
 */
import { isWhohasError } from '../impl/errors.ts';
import { DEFAULT_SOURCES, type Peer, parseDownloadCommand } from '../impl/peer/index.ts';
import { ChatConsole } from './chat-console.ts';
import { DownloadBars } from './progress.ts';
import { routedSummary, transferEndLine } from './transfer-format.ts';

export interface ConsoleSession {
  /** Logs in and enters `room`; resolves to a line saying what happened. */
  enter(room: string): Promise<string>;
  /** The room from the command line, if any (asked for at the prompt otherwise). */
  room: string | undefined;
  /** Resolves once the peer's uploads are done (after the server went away). */
  uploadsFinished(): Promise<void>;
}

export async function runConsole(peer: Peer, session: ConsoleSession): Promise<void> {
  const bars = new DownloadBars();
  const downloads = new Set<Promise<unknown>>();
  // Lines typed (or piped) before the peer is ready wait here, in order.
  const queued: string[] = [];
  let handle: ((line: string) => void) | undefined;
  let phase: 'room' | 'login' | 'chat' = 'login';
  let inputEnded = false;
  let leave!: () => void;
  const left = new Promise<void>((resolve) => {
    leave = resolve;
  });
  const endOfInput = () => {
    inputEnded = true;
    if (phase === 'room') leave();
    if (phase === 'chat') void Promise.allSettled([...downloads]).then(leave);
  };
  const console_ = new ChatConsole({
    prompt: `${peer.name}> `,
    onLine: (line) => (handle ? handle(line) : queued.push(line)),
    onClose: endOfInput,
    onInterrupt: leave,
  });
  const print = (text: string) => console_.print(text);
  peer.on('line', print);
  peer.on('transfer-end', (end) => {
    // A download's success is told with its path by the getFile that asked for it.
    if (end.direction === 'upload' || end.error) print(transferEndLine(end));
  });
  peer.on('error', (error) => {
    print(`${error.code}: ${error.message}`);
    process.exitCode = 1;
    void session.uploadsFinished().then(leave);
  });
  process.once('SIGTERM', leave);

  let room = session.room;
  if (room === undefined) {
    phase = 'room';
    print('room to join (created if missing)?');
    console_.start();
    const asked = nextNonEmpty(queued, (h) => {
      handle = h;
    });
    room = await Promise.race([asked, left.then(() => undefined)]);
    handle = undefined;
    phase = 'login';
    if (room === undefined) return finish();
  }
  try {
    print(`${await session.enter(room)} as ${peer.name}; @me|getsharestatus shows what you share`);
  } catch (error) {
    console_.close();
    throw error;
  }

  let started = 0;
  const download = (from: string, file: string) => {
    const key = String(++started);
    // In chunks from up to DEFAULT_SOURCES owners of the content (resumable), or the one named.
    const options = {
      sources: DEFAULT_SOURCES,
      onProgress: (bytes: number, size: number, owner: string) =>
        bars.update(key, file, owner, bytes, size),
    };
    const running = (
      from === 'all'
        ? peer.whohas(file).then((responders) => peer.getFile(responders, file, options))
        : peer.getFile(from, file, options)
    )
      .then(
        (result) => {
          if (result.disagreement) print(`INFO|${result.disagreement}`);
          const by = result.sources.map((s) => `${s.user} ${s.chunks}`).join(', ');
          const resumed = result.resumedBytes > 0 ? `, ${result.resumedBytes} bytes resumed` : '';
          print(`${routedSummary(file, result.from.user, 'from', result)} -> ${result.path}`);
          if (result.sources.length > 1 || resumed) print(`chunks by owner: ${by}${resumed}`);
        },
        (error: unknown) => print(describe(error)),
      )
      .finally(() => {
        bars.finish(key);
        downloads.delete(running);
      });
    downloads.add(running);
  };
  handle = (typed) => {
    const line = typed.trim();
    if (line === '') return;
    // Leaving goes through close(), which says @server|exit itself and stops cleanly.
    if (line.toLowerCase() === '@server|exit') return leave();
    const command = parseDownloadCommand(line);
    if (command?.kind === 'error') print(`ERROR|${command.code}|${command.message}`);
    else if (command) download(command.from, command.file);
    else
      peer.send(line).then(
        (replies) => replies.forEach(print),
        (error) => print(describe(error)),
      );
  };
  phase = 'chat';
  for (const line of queued.splice(0)) handle(line);
  if (inputEnded) endOfInput();
  else console_.start();
  await left;
  return finish();

  async function finish(): Promise<void> {
    console_.close();
    bars.stop();
    await peer.close();
  }
}

/** The first non-empty line: from the queue, or the next one typed (later ones queue up). */
function nextNonEmpty(
  queued: string[],
  setHandler: (handler: (line: string) => void) => void,
): Promise<string> {
  return new Promise((resolve) => {
    for (let line = queued.shift(); line !== undefined; line = queued.shift()) {
      if (line.trim() !== '') return resolve(line.trim());
    }
    setHandler((line) => {
      if (line.trim() === '') return;
      setHandler((more) => queued.push(more));
      resolve(line.trim());
    });
  });
}

function describe(error: unknown): string {
  if (isWhohasError(error)) return `ERROR|${error.code}|${error.message}`;
  return `ERROR|${error instanceof Error ? error.message : String(error)}`;
}
