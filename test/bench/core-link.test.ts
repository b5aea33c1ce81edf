import { createHash } from 'node:crypto';
import test from 'ava';
import { runCorePair } from '../../bench/core-link.ts';
import { losslessThroughput } from '../../bench/model.ts';
import { SrReceiverCore } from '../../impl/arq/sr-receiver.ts';
import { SrSenderCore } from '../../impl/arq/sr-sender.ts';

// The virtual link the Selective Repeat model is validated on: it must deliver the file, give the
// lossless rate the model states (it is the model's own setting), and be deterministic per seed.
const options = {
  arq: 'sr',
  window: 8,
  packetSize: 1016,
  congestion: 'none',
  fastRetransmit: false,
  rto: { mode: 'fixed', ms: 50 },
  ack: { packets: 1, delayMs: 1 },
} as const;
const file = Buffer.alloc(1000 * 400, 7);
const link = { bandwidthBps: 10e6, delayMs: 2, overheadBytes: 28 };

function run(loss: number, seed: number) {
  const sender = new SrSenderCore({
    transferId: 3,
    isn: 0xffff_fff0,
    token: 1n,
    fileSize: file.length,
    sha256: createHash('sha256').update(file).digest(),
    options,
    now: 0,
  });
  const receiver = new SrReceiverCore({ transferId: 3, options, now: 0 });
  return runCorePair(sender, receiver, file, { ...link, loss }, seed);
}

test('lossless: the file arrives and the steady rate is the model’s to 0.1 %', (t) => {
  const result = run(0, 1);
  t.true(result.ok);
  const model = losslessThroughput(
    { bandwidthBps: link.bandwidthBps, delayMs: link.delayMs, loss: 0 },
    { window: 8, dataWireBytes: 1044, payloadBytes: 1000, ackWireBytes: 54, rtoMs: 50 },
  );
  t.true(Math.abs(result.steadyBps / model - 1) < 0.001, `${result.steadyBps} vs ${model}`);
});

test('5 % loss: the file arrives, lost packets are resent, and one seed gives one result', (t) => {
  const first = run(0.05, 4);
  t.true(first.ok);
  t.true(first.sender.retransmits > 0);
  t.deepEqual(run(0.05, 4), first);
  t.notDeepEqual(run(0.05, 5).dataMs, first.dataMs);
});
