/**
 * The two child processes of bench/gbn-loopback.ts: a receiver and a sender that each run one
 * Go-Back-N transfer per order from the parent and report its stats, peak RSS and CPU time.
 *
 *   (spawned) gbn-loopback-roles.ts receiver <dir> <settings-json>
 *   (spawned) gbn-loopback-roles.ts sender <file> <settings-json>
 */

import { isMain, parentChannel, runRole } from '../harness/roles.ts';
import { TransferReceiver } from '../impl/arq/driver-receiver.ts';
import { TransferSender } from '../impl/arq/driver-sender.ts';
import { createNodePlatform } from '../impl/platform/node.ts';

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** CPU seconds (user + system) this process has used since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  if (process.env.WHOHAS_CPU_SPLIT)
    console.error(`${process.argv[2]} user ${used.user / 1e6} s, system ${used.system / 1e6} s`);
  return (used.user + used.system) / 1e6;
}

async function receiverRole(dir: string, settings: string): Promise<void> {
  const parent = parentChannel();
  const platform = createNodePlatform();
  for (;;) {
    const order = await parent.next<{ transferId: number; name: string; stop?: boolean }>();
    if (order.stop) break;
    const socket = platform.dgram.createSocket();
    socket.setRecvBufferSize(4 * 1024 * 1024);
    const { port } = await socket.bind(0, '127.0.0.1');
    const receiver = new TransferReceiver({
      platform,
      socket,
      peerAddress: '127.0.0.1',
      transferId: order.transferId,
      dir,
      name: order.name,
      options: { ...JSON.parse(settings), lingerMs: 200 },
    });
    parent.send({ port });
    const cpu = process.cpuUsage();
    const { path, stats } = await receiver.done;
    parent.send({ path, stats, peakRss: peakRss(), cpuSeconds: cpuSeconds(cpu) });
  }
  // Stay for the last linger (a lost FIN-ACK gets re-sent), then leave on our own.
  await new Promise((resolve) => setTimeout(resolve, 250));
  process.exit(0);
}

async function senderRole(file: string, settings: string): Promise<void> {
  const parent = parentChannel();
  const platform = createNodePlatform();
  for (;;) {
    const order = await parent.next<{ transferId: number; port: number; stop?: boolean }>();
    if (order.stop) break;
    const socket = platform.dgram.createSocket();
    socket.setSendBufferSize(4 * 1024 * 1024);
    await socket.bind(0, '127.0.0.1');
    const cpu = process.cpuUsage();
    const sender = new TransferSender({
      platform,
      socket,
      peer: { address: '127.0.0.1', port: order.port },
      transferId: order.transferId,
      file: await platform.fs.openRead(file),
      options: JSON.parse(settings),
    });
    const stats = await sender.done;
    parent.send({ stats, peakRss: peakRss(), cpuSeconds: cpuSeconds(cpu) });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.exit(0);
}

if (isMain(import.meta.url)) {
  const [role, ...args] = process.argv.slice(2);
  if (role === 'receiver') await runRole(() => receiverRole(args[0], args[1]));
  else if (role === 'sender') await runRole(() => senderRole(args[0], args[1]));
}
