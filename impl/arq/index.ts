export * from './codec.ts';
export type { ArqCore, ArqReceiverCore, ArqSenderCore, CoreFailure, CoreStatus } from './core.ts';
export {
  type ReceivedFile,
  TransferReceiver,
  type TransferReceiverInit,
} from './driver-receiver.ts';
export { TransferSender, type TransferSenderInit } from './driver-sender.ts';
export {
  type AckOptions,
  type CongestionMode,
  defaultIdleTimeoutMs,
  defaultTransferOptions,
  MIN_PACKET_SIZE,
  type RtoOptions,
  resolveTransferOptions,
  senderGiveUpHorizonMs,
  type TransferOptions,
  type TransferOptionsInput,
} from './options.ts';
export { availableSchemes, receiverCoreFor, senderCoreFor } from './schemes.ts';
export type { TransferStats } from './stats.ts';
