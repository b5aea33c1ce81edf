import test from 'ava';
import { decodePacket, HEADER_BYTES } from '../../impl/arq/codec.ts';
import { assertDelivered, logReplay, startTransfer, type TransferCase } from './driver-world.ts';

const PAYLOAD = 2048 - HEADER_BYTES;

// The sender learns that the file arrived only from the ACK of its FIN. If those ACKs are lost it
// retries FIN with a backed-off RTO; a receiver that closed after a fixed linger would leave it
// retrying for its whole give-up horizon and ending in TRANSFER_TIMEOUT after a delivered file.
// (A Go-Back-N sender that missed earlier ACKs too goes back and sends DATA, not only FIN.)
test('the sender sending again restarts the linger: it hears the final ACK once the path heals', async (t) => {
  const c: TransferCase = { size: 20_000, forward: 'lan', receiverOptions: { lingerMs: 1_000 } };
  logReplay(t, c);
  const world = await startTransfer(c);
  const finSeq = Math.ceil(c.size / PAYLOAD) + 1;
  // Every ACK of FIN sent in the first 1.5 s after the first one is lost.
  const send = world.receiverSocket.send.bind(world.receiverSocket);
  let dropped = 0;
  let finAckedAt = Number.NaN;
  world.receiverSocket.send = (msg, port, address, callback) => {
    const packet = decodePacket(Buffer.from(msg));
    if (packet.kind === 'ack' && packet.seq === world.seq(finSeq + 1)) {
      if (Number.isNaN(finAckedAt)) finAckedAt = world.sim.now;
      if (world.sim.now < finAckedAt + 1_500) {
        dropped++;
        return;
      }
    }
    send(msg, port, address, callback);
  };
  let closedAt = Number.NaN;
  world.receiverSocket.on('close', () => {
    closedAt = world.sim.now;
  });
  await world.sim.run();
  assertDelivered(t, world);
  const settled = world.settledAt.receiver ?? Number.NaN;
  t.true(dropped > 3, `${dropped} final ACKs lost`);
  t.true(world.outcomes.sender?.ok, JSON.stringify(world.outcomes.sender));
  t.true((world.settledAt.sender ?? 0) > finAckedAt + 1_500, 'it finished once the path healed');
  t.true(closedAt - settled > 1_500, `the receiver stayed ${closedAt - settled} ms`);
});
