/**
 * `whohas peer` for people, driven through a real pseudo-terminal (tmux): what a person types with
 * send-keys, what they see with capture-pane, against a real server and real peers on loopback.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { startOwner, startServer, withProcesses } from '../../helpers/processes.ts';
import { TmuxSession, tmuxUnavailable } from '../../helpers/tmux.ts';

const unavailable = tmuxUnavailable();
// Colour codes in a captured screen (capture-pane -e): ESC [ ... m.
const ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

if (unavailable) {
  // CI installs tmux (.ci/run), so there its absence is a failure; elsewhere the skip is loud.
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`console through a pseudo-terminal: ${unavailable}`, (t) => {
    t.fail(unavailable);
  });
  if (!inCi) console.warn(`SKIPPED the console's terminal tests: ${unavailable}`);
} else {
  test('a person logs in at the prompts, reads rendered messages, and uses /commands', (t) =>
    withProcesses(async (start, dir) => {
      const { server, address } = await startServer(start);
      await startOwner(start, dir, address, { 'notes.txt': 'the 2016 report\n' });
      const eko = new TmuxSession(['peer', '--server', address, '--folder', 'mine'], dir);
      try {
        await eko.waitFor(/your name: $/m);
        eko.type('eko');
        await eko.waitFor(/room: $/m);
        eko.type('chatroom');
        await eko.waitFor(/^joined chatroom as eko, with eswar; \/help lists the commands$/m);

        // danis speaks the raw protocol (as netcat would): to eko alone, then to everyone.
        const danis = start(
          ['peer', '--raw', '--name', 'danis', '--room', 'chatroom', '--join'].concat([
            '--server',
            address,
            '--folder',
            'danis',
          ]),
        );
        await danis.line(/^joined chatroom as danis/);
        await eko.waitFor(/^\* danis joined$/m);
        danis.write('@eko|psst, just you');
        await eko.waitFor(/^\[danis → you\] psst, just you$/m);
        danis.write('@all|hello room');
        await eko.waitFor(/^\[danis → all\] hello room$/m);

        // A typo is refused here, with the command meant; nothing reaches the room.
        eko.type('/setwindw 32');
        await eko.waitFor(/^unknown command \/setwindw; did you mean \/setwindow\?/m);
        eko.type('@me|setwindw|32');
        await eko.waitFor(/^unknown local command setwindw; did you mean @me\|setwindow\?$/m);
        eko.type('/window 32');
        await eko.waitFor(/^Window set to 32 for the next downloads$/m);

        eko.type('/whohas nosuch');
        await eko.waitFor(/^nobody shares nosuch \(waited 2 s\)$/m);
        eko.type('/whohas notes.txt');
        await eko.waitFor(/^notes\.txt is shared by eswar \(0\.00 MB\) \(waited 2 s\)/m);
        eko.type('/get eswar notes.txt');
        await eko.waitFor(/^↓ downloading notes\.txt from eswar/m);
        await eko.waitFor(/^↓ notes\.txt: 0\.00 MB from eswar in .* -> .*notes\.txt$/m);
        t.is(await readFile(join(dir, 'mine', 'notes.txt'), 'utf8'), 'the 2016 report\n');
        eko.type('/transfers');
        await eko.waitFor(/^no transfers under way$/m);

        // Plain text goes to everyone, /msg to one user: danis (raw) reads the protocol.
        eko.type('hi everyone');
        await danis.line(/^#eko\|hi everyone$/);
        eko.type('/msg danis hi you');
        await danis.line(/^#eko\|hi you$/);

        // Tab completes a command name; /help explains one.
        eko.type('/comm', false);
        eko.keys('Tab');
        await eko.waitFor(/^eko> \/commands\s*$/m);
        eko.keys('Enter');
        await eko.waitFor(/^\/help \/commands \/msg/m);
        eko.type('/help get');
        await eko.waitFor(/^\/get <user> <file>: download a file from a user \(also \/getfile\)$/m);

        t.false(
          danis.stdout.some((line) => line.includes('setwindw')),
          'the typo never left',
        );
        eko.type('/quit');
        t.is(await eko.exitStatus(), 0);
        await danis.line(/^INFO\|LEFT\|eko\|User eko has left$/);
        // The person's console asked for colours off nowhere: a terminal gets them.
        t.regex(eko.screen(true), ESCAPE);
      } finally {
        eko.kill();
      }
      await server.stop('SIGTERM');
    }));

  test('a private room: the password is asked without echo, and a wrong one asked again', (t) =>
    withProcesses(async (start, dir) => {
      const { address } = await startServer(start);
      const alice = new TmuxSession(
        ['peer', '--name', 'alice', '--room', 'vault', '--server', address, '--folder', 'a'],
        dir,
      );
      let bob: TmuxSession | undefined;
      try {
        await alice.waitFor(/there is no room named vault; create it\? \(y\/n\) \[y\] $/m);
        alice.type('');
        await alice.waitFor(/password for vault \(empty: a public room\): $/m);
        alice.type('open-sesame');
        await alice.waitFor(/^created vault \(private\) as alice/m);
        bob = new TmuxSession(
          ['peer', '--name', 'bob', '--room', 'vault', '--server', address, '--folder', 'b'],
          dir,
          { NO_COLOR: '1' },
        );

        await bob.waitFor(/password for vault: $/m);
        bob.type('guess-one');
        await bob.waitFor(/^wrong password for vault$/m);
        bob.type('open-sesame');
        await bob.waitFor(/^joined vault as bob, with alice/m);
        await alice.waitFor(/^\* bob joined$/m);

        for (const [who, screen] of [
          ['alice', alice.screen()],
          ['bob', bob.screen()],
        ]) {
          t.false(screen.includes('open-sesame'), `${who}'s password is not on the screen`);
          t.false(screen.includes('guess-one'), `${who}'s wrong guess is not on the screen`);
        }
        t.regex(alice.screen(true), ESCAPE, 'a terminal gets colours');
        t.notRegex(bob.screen(true), ESCAPE, 'NO_COLOR turns them off');
        bob.keys('C-c');
        t.is(await bob.exitStatus(), 0);
      } finally {
        alice.kill();
        bob?.kill();
      }
    }));

  test("the server's admin prompt and a half-typed command survive log lines arriving", (t) =>
    withProcesses(async (start, dir) => {
      const admin = new TmuxSession(['server', '--host', '127.0.0.1', '--port', '0'], dir);
      try {
        const [, port] = await admin.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
        await admin.waitFor(/^admin> $/m);
        admin.type('kil', false);
        const zed = start(
          ['peer', '--serve', '--name', 'zed', '--room', 'roomz', '--create'].concat([
            '--server',
            `127.0.0.1:${port}`,
            '--folder',
            'z',
          ]),
        );
        await zed.line(/^whohas peer zed serving/);
        const screen = await admin.waitFor(/zed entered roomz\n(.*)$/);
        t.is(screen[1], 'admin> kil', 'the prompt and the typed text are redrawn below the log');
        t.regex(admin.screen(), /^\[server\] #\d+ .* zed entered roomz$/m, 'the log line is whole');
        admin.type('l zed');
        await zed.line(/KILLED/);
      } finally {
        admin.kill();
      }
    }));
}

// On a pipe (a script, a transcript) the same console asks its questions as lines and prints
// no colour codes, even where CI is set (picocolors alone would colour then).
test('on a pipe: questions as lines, answers read from the pipe, no colour codes', (t) =>
  withProcesses(async (start) => {
    const { server, address } = await startServer(start);
    const carl = start(['peer', '--server', address, '--folder', 'c']);
    await carl.line(/^your name: $/);
    carl.write('carl');
    await carl.line(/^room: $/);
    carl.write('chatroom');
    await carl.line(/^there is no room named chatroom; create it\? \(y\/n\) \[y\] $/);
    carl.write('y');
    await carl.line(/^created chatroom \(public\) as carl, nobody else here yet/);
    carl.write('/whohas nosuch');
    await carl.line(/^nobody shares nosuch \(waited 2 s\)$/);
    carl.write('/setwindw 3');
    await carl.line(/^unknown command \/setwindw; did you mean \/setwindow\?/);
    t.deepEqual(await carl.finish(), { code: 0, signal: null });
    t.false(
      carl.stdout.some((line) => line.includes('\u001b[')),
      carl.output(),
    );
    await server.stop('SIGTERM');
  }));
