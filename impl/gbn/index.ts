export * from './codec.ts';
export { sha256OfFile } from './files.ts';
export {
  type AckOptions,
  type CongestionMode,
  defaultIdleTimeoutMs,
  defaultTransferOptions,
  MAX_WINDOW,
  MIN_PACKET_SIZE,
  type RtoOptions,
  resolveTransferOptions,
  senderGiveUpHorizonMs,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
export { GbnReceiver, type GbnReceiverInit, type ReceivedFile } from './receiver.ts';
export { GbnSender, type GbnSenderInit } from './sender.ts';
export type { TransferStats } from './stats.ts';
