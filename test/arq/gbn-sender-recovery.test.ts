import test from 'ava';
import { GbnSenderCore } from '../../impl/arq/gbn-sender.ts';
import type { TransferOptionsInput } from '../../impl/arq/options.ts';
import { ack, expectSteps, ID, letters, sha, TOKEN } from './packets.ts';

// Packet-exact vectors for how the Go-Back-N sender recovers from heavy loss: the RTO backoff
// ends with the first ACK that moves the window (after going back every packet in flight is a
// retransmission, so Karn's rule gives no sample to bring a backed-off RTO down), and the give-up
// rule counts timeouts in a row without progress.
const isn = 1_000;
const w = { isn };
const adaptive = {
  packetSize: 68,
  window: 4,
  congestion: 'none',
  fastRetransmit: false,
  ack: { packets: 1, delayMs: 1 },
  rto: { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1_000 },
} as const;
const threePackets = letters(52, 3, 10);

function sender(file: Buffer, options: TransferOptionsInput): GbnSenderCore {
  return new GbnSenderCore({
    transferId: ID,
    isn,
    token: TOKEN,
    fileSize: file.length,
    sha256: sha(file),
    options,
    now: 0,
  });
}

test('an ACK that moves the window ends the backoff: the RTO comes back from SRTT and RTTVAR', (t) => {
  const core = sender(threePackets, adaptive);
  const window = ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'];
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: ack(w, 1), out: window, next: 110 },
      // DATA +1 took 10 ms: SRTT 10, RTTVAR 5, RTO 30.
      { at: 20, in: ack(w, 2), out: [], next: 50 },
      { at: 50, timeout: true, out: window.slice(1), next: 110 },
      { at: 110, timeout: true, out: window.slice(1), next: 230 },
      // DATA +2 arrives (a retransmission: no sample). The backed-off 120 ms would hold every
      // later loss to 120 ms and more; the RTO is 30 ms again.
      { at: 120, in: ack(w, 3), out: [], next: 150 },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(120), { timeouts: 2, rtoMs: 30 });
});

// RFC 5827's early retransmit: with fewer than 3 packets behind the oldest and no more allowed
// out, a duplicate ACK from each of them is all the evidence there will be. Waiting for a third
// left every loss at N = 2 to the timeout (lan, 1 % loss: 103 timeouts per 21.76 MB, 3 now).
test('early retransmit: at N = 2 one duplicate ACK is enough (nothing more may be sent)', (t) => {
  const fast = { ...adaptive, window: 2, fastRetransmit: true, rto: { mode: 'fixed', ms: 100 } };
  const core = sender(threePackets, fast as TransferOptionsInput);
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n2'], next: 100 },
      { at: 10, in: ack(w, 1), out: ['DATA +1 a×52', 'DATA +2 b×52'], next: 110 },
      // DATA +1 lost; DATA +2 draws a duplicate: go back now, not at 110.
      { at: 20, in: ack(w, 1), out: ['DATA +1 a×52', 'DATA +2 b×52'], next: 120 },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(20), { fastRetransmits: 1, timeouts: 0 });
});
