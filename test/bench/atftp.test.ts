import test from 'ava';
import { atftpUnavailableReason, runAtftp } from '../../bench/baselines/atftp.ts';
import type { Row } from '../../bench/sweep/csv.ts';
import { withBaselines } from '../../bench/sweep/point.ts';

const unavailable = atftpUnavailableReason();
const inCi = process.env.CI === 'true';

if (unavailable) {
  // CI installs atftp and atftpd (.ci/run), so there their absence fails; elsewhere it is a loud skip.
  (inCi ? test : test.skip)(`atftp baseline: ${unavailable}`, (t) => {
    t.fail(unavailable);
  });
  if (!inCi) console.warn(`SKIPPED the atftp baseline tests: ${unavailable}`);
} else {
  test('atftp moves a file byte-identically at RFC 7440 windowsize 16, blksize 1428', async (t) => {
    const [run] = await runAtftp({ fileBytes: 1_000_000, window: 16, blockBytes: 1428 });
    t.true(run.identical);
    t.true(run.bytesPerSecond > 0);
    t.is(run.window, 16);
  });

  test('an atftp run past its time limit is killed and reported as a timeout, not waited out', async (t) => {
    // 20 MB cannot cross in 20 ms (that would be 1 GB/s through a C TFTP on this machine).
    const [run] = await runAtftp({ fileBytes: 20_000_000, window: 4, blockBytes: 512 }, 1, 0.02);
    t.is(run.status, 'timeout');
    t.true(run.seconds < 5);
  });
}

test('a UDP row carries the same-run peer and ceilings, and its ratios to them', (t) => {
  const row = { throughput_Bps: 50e6 } as unknown as Row;
  const withPeer = withBaselines(row, {
    udpBlastBps: 200e6,
    udpBlastCallbacksBps: 100e6,
    tcpBps: 500e6,
    atftpBps: 100e6,
  });
  t.is(withPeer.over_atftp, 0.5);
  t.is(withPeer.over_udp_blast, 0.25);
  t.is(withPeer.udp_blast_callbacks_Bps, 100e6);
  const withoutPeer = withBaselines(row, {
    udpBlastBps: 200e6,
    udpBlastCallbacksBps: 100e6,
    tcpBps: 500e6,
    atftpBps: Number.NaN,
  });
  t.is(withoutPeer.over_atftp, '', 'no atftp in the run: no ratio, not a made-up one');
});
