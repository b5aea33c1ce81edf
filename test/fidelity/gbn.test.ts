import test from 'ava';
import { GBN_SIZES, type GbnExperiment, simGbn } from '../../bench/fidelity/gbn.ts';
import { buildNs3, ns3Rate, parseFields, runNs3 } from '../../bench/fidelity/ns3.ts';
import { deviation, meanAndStandardError, ns3Ready } from './ns3-gate.ts';

// Textbook Go-Back-N, 100 Mbit/s, 5 ms, 1400 B: the real TransferSender/TransferReceiver on our
// simulator against the same exchange written on ns-3's UDP sockets (fidelity/ns3/gbn.cc).
const PATH = { bandwidthBps: 100e6, delayMs: 5, packetSize: 1400, rtoMs: 40 };
const LOSSLESS_TOLERANCE = 0.01;
const SEEDS = 20;
/** Lossy: the two means over SEEDS runs within this many combined standard errors. */
const STANDARD_ERRORS = 3;

async function ns3Gbn(experiment: GbnExperiment, runs: number) {
  const output = await runNs3(await buildNs3('gbn'), {
    rateBps: ns3Rate(experiment.bandwidthBps, experiment.packetSize),
    delayMs: experiment.delayMs,
    loss: experiment.loss,
    window: experiment.window,
    packet: experiment.packetSize,
    bytes: experiment.fileBytes,
    rtoMs: experiment.rtoMs,
    runs,
    firstRun: 1,
    ...GBN_SIZES,
  });
  return output.trim().split('\n').map(parseFields);
}

if (await ns3Ready('Go-Back-N')) {
  const lossless = test.macro({
    async exec(t, window: number) {
      const experiment = { ...PATH, loss: 0, window, fileBytes: 2e6 };
      const [ours, [theirs]] = await Promise.all([simGbn(experiment, 1), ns3Gbn(experiment, 1)]);
      t.is(ours.status, 'ok');
      t.is(ours.timeouts, 0);
      t.is(theirs.timeouts, 0);
      const delta = deviation(ours.seconds, theirs.seconds);
      t.log(
        `N = ${window}: ours ${ours.seconds} s, ns-3 ${theirs.seconds} s, Δ ${(delta * 100).toFixed(4)} %`,
      );
      t.true(delta <= LOSSLESS_TOLERANCE);
    },
    title: (_, window: number) =>
      `lossless Go-Back-N at N = ${window} takes ns-3's time within 1 %`,
  });
  for (const window of [1, 4, 16, 64]) test(lossless, window);

  const lossy = test.macro({
    async exec(t, window: number, loss: number) {
      const experiment = { ...PATH, loss, window, fileBytes: 1e6 };
      const theirsPromise = ns3Gbn(experiment, SEEDS);
      const ours = [];
      for (let seed = 1; seed <= SEEDS; seed++) ours.push(await simGbn(experiment, seed));
      const theirs = await theirsPromise;
      t.true(ours.every((run) => run.status === 'ok'));
      // The premise: packets were lost and recovered by timeouts on both sides.
      t.true(ours.reduce((sum, run) => sum + run.timeouts, 0) > 0);
      t.true(theirs.reduce((sum, run) => sum + run.timeouts, 0) > 0);
      const a = meanAndStandardError(ours.map((run) => run.seconds));
      const b = meanAndStandardError(theirs.map((run) => run.seconds));
      const bound = STANDARD_ERRORS * Math.hypot(a.se, b.se);
      t.log(
        `N = ${window}, loss ${loss}: ours ${a.mean.toFixed(4)} ± ${a.se.toFixed(4)} s, ns-3 ${b.mean.toFixed(4)} ± ${b.se.toFixed(4)} s, Δ ${(deviation(a.mean, b.mean) * 100).toFixed(2)} % (bound ${((bound / b.mean) * 100).toFixed(2)} %)`,
      );
      t.true(Math.abs(a.mean - b.mean) <= bound);
    },
    title: (_, window: number, loss: number) =>
      `Go-Back-N at N = ${window} with ${loss * 100} % loss: mean time over ${SEEDS} seeds within ${STANDARD_ERRORS} standard errors of ns-3's`,
  });
  for (const window of [8, 64]) for (const loss of [0.01, 0.05]) test(lossy, window, loss);
}
