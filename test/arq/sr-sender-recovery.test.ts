import test from 'ava';
import { expectSteps, letters, sack, senderAt } from './packets.ts';

// Packet-exact vectors for how the Selective Repeat sender recovers from heavy loss: the RTO
// backoff ends with the first ACK that moves the cumulative point (packets sent again give no
// sample under Karn's rule, so nothing else would bring a backed-off RTO down).
const isn = 1_000;
const w = { isn };
const adaptive = {
  arq: 'sr',
  packetSize: 68,
  window: 4,
  congestion: 'none',
  fastRetransmit: false,
  ack: { packets: 1, delayMs: 1 },
  rto: { mode: 'adaptive', initialMs: 100, minMs: 10, maxMs: 1_000 },
} as const;
const threePackets = letters(52, 3, 10);

test('an ACK that moves the cumulative point ends the backoff: the RTO comes back from SRTT', (t) => {
  const core = senderAt(threePackets, adaptive, isn);
  const window = ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'];
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: sack(w, 1), out: window, next: 110 },
      // DATA +1 took 10 ms: SRTT 10, RTTVAR 5, RTO 30; the rest expire at 20 (progress) + 30.
      { at: 20, in: sack(w, 2), out: [], next: 50 },
      { at: 50, timeout: true, out: window.slice(1), next: 110 },
      { at: 110, timeout: true, out: window.slice(1), next: 230 },
      // DATA +2 arrives, sent three times (no sample): the RTO is 30 ms again, not 120.
      { at: 120, in: sack(w, 3), out: [], next: 150 },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(120), { timeouts: 2, rtoMs: 30 });
});

// A packet's timer runs from its send, but a late packet is not a lost one: until something sent
// after it is acknowledged, its deadline also counts from the latest cumulative progress (RFC 6298
// 5.3). From the send alone, packets queued behind a burst on wan (RTT 41 ms, RTO 48 ms) timed out
// while ACKs still flowed: 9 spurious timeouts in 3 MB without a loss, AIMD halving each time.
test('a late packet times out an RTO after the last progress; once later ones arrive, after its send', (t) => {
  const textbook = { ...adaptive, rto: { mode: 'fixed', ms: 100 } } as const;
  const core = senderAt(threePackets, textbook, isn);
  const window = ['DATA +1 a×52', 'DATA +2 b×52', 'DATA +3 c×10', 'FIN +4'];
  expectSteps(
    t,
    core,
    [
      { at: 0, out: ['START +0 n4'], next: 100 },
      { at: 10, in: sack(w, 1), out: window, next: 110 },
      // DATA +1 acknowledged at 60: DATA +2 may just be late; its deadline is 60 + 100.
      { at: 60, in: sack(w, 2), out: [], next: 160 },
      // FIN, sent after DATA +2 and +3, arrived: they are lost, their deadline 10 + 100 again.
      { at: 70, in: sack(w, 2, [4]), out: [], next: 110 },
      { at: 110, timeout: true, out: window.slice(1, 3), next: 210 },
    ],
    isn,
    threePackets,
  );
  t.like(core.stats(110), { timeouts: 1, retransmits: 2 });
});
