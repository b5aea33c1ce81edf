/**
 * `whohas get` across real NATs (harness/netns-transfer.ts): the server in the public namespace,
 * the owner behind one NAT router, the requester behind another. Through two cone NATs the
 * peers punch a hole and the file goes direct; between two symmetric NATs no hole can be
 * punched and it goes through the server's relay; both byte-identical. The premise: with
 * `--no-nat` (the 2016 way: each side names its private address) the cone case cannot work.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import test from 'ava';
import { netnsUnavailableReason } from '../../harness/netns.ts';
import { startNetnsTransfer } from '../../harness/netns-transfer.ts';
import type { WhohasProcess } from '../../harness/whohas-process.ts';

const unavailable = netnsUnavailableReason();
const inCi = process.env.CI === 'true';

/** Bounded: the requester gives up on a silent owner after this (--idle-timeout). */
const IDLE_TIMEOUT_MS = 5000;

async function report(get: WhohasProcess) {
  const exit = await get.finish();
  return { exit, json: JSON.parse(get.stdout[0] ?? '{}'), output: get.output() };
}

if (unavailable) {
  // As in netns.test.ts: a missing tool fails in CI (it installs them); a machine that cannot
  // make namespaces (no root, no CAP_NET_ADMIN) skips loudly, even in CI.
  const toolMissing = /not found/.test(unavailable);
  (inCi && toolMissing ? test : test.skip)(`transfers across real NATs: ${unavailable}`, (t) => {
    t.fail(unavailable);
  });
  console.warn(`SKIPPED the namespace transfer tests: ${unavailable}`);
} else {
  test.serial(
    'through two cone NATs the file goes direct, over the punched reflexive pair',
    async (t) => {
      const data = randomBytes(1_500_000);
      const world = await startNetnsTransfer(['cone', 'cone'], { blob: data });
      try {
        const { exit, json, output } = await report(world.get('blob'));
        t.is(exit.code, 0, output);
        t.like(json, { ok: true, from: 'owner', size: data.length, path: 'direct' });
        // Both NATs were crossed, not bypassed: the owner punched to the requester's router,
        // and the requester's pair is the owner's router.
        const [owner, requester] = world.net.sites;
        const at = requester.publicAddress.replaceAll('.', '\\.');
        await world.owner.line(
          new RegExp(`^upload done: blob: .*, direct ${at}:\\d+ \\(reflexive\\)$`),
        );
        t.true(String(json.pair?.remote).startsWith(`${owner.publicAddress}:`), output);
        t.true((await readFile(json.saved)).equals(data), 'byte-identical');
      } finally {
        await world.close();
      }
    },
  );

  test.serial('between two symmetric NATs the file goes through the relay', async (t) => {
    const data = randomBytes(1_500_000);
    const world = await startNetnsTransfer(['symmetric', 'symmetric'], { blob: data });
    try {
      const { exit, json, output } = await report(world.get('blob'));
      t.is(exit.code, 0, output);
      t.like(json, { ok: true, from: 'owner', size: data.length, path: 'relay' });
      t.is(json.pair?.kind, 'relay');
      t.true((await readFile(json.saved)).equals(data), 'byte-identical');
    } finally {
      await world.close();
    }
  });

  test.serial(
    'the premise: with --no-nat the cone case fails with a clear code, in bounded time',
    async (t) => {
      const data = randomBytes(100_000);
      const world = await startNetnsTransfer(
        ['cone', 'cone'],
        { blob: data },
        { owner: ['--no-nat'] },
      );
      try {
        const get = world.get('blob', ['--no-nat', '--idle-timeout', String(IDLE_TIMEOUT_MS)]);
        const { exit, json, output } = await report(get);
        t.is(exit.code, 1, output);
        t.like(json, { ok: false, code: 'ALL_RESPONDERS_FAILED' });
        // The requester named its private address; the owner's datagrams never reached it.
        t.deepEqual(
          json.failures.map((f: { code: string }) => f.code),
          ['TRANSFER_TIMEOUT'],
          output,
        );
        await world.owner.line(/getfile\|blob\|198\.51\.100\.2\|/);
      } finally {
        await world.close();
      }
    },
  );

  const refused = test.macro(
    async (t, where: 'requester' | 'server', flag: string, code: string) => {
      const data = randomBytes(100_000);
      const server = where === 'server' ? [flag] : [];
      const world = await startNetnsTransfer(
        ['symmetric', 'symmetric'],
        { blob: data },
        { server },
      );
      try {
        const get = world.get('blob', where === 'requester' ? [flag] : []);
        const { exit, json, output } = await report(get);
        t.is(exit.code, 1, output);
        t.deepEqual(
          json.failures.map((f: { code: string }) => f.code),
          [code],
          output,
        );
        t.regex(get.stderr.join('\n'), new RegExp(code), 'the console says why');
      } finally {
        await world.close();
      }
    },
  );
  // No hole between two symmetric NATs, and no relay to fall back on: the code says which.
  test.serial(
    'symmetric NATs, the requester says --no-relay: NAT_TRAVERSAL_FAILED',
    refused,
    'requester',
    '--no-relay',
    'NAT_TRAVERSAL_FAILED',
  );
  test.serial(
    'symmetric NATs, the server runs --no-relay: RELAY_REFUSED',
    refused,
    'server',
    '--no-relay',
    'RELAY_REFUSED',
  );
}
