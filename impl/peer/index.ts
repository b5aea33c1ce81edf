/** The peer's public surface: the Peer class and what its API speaks in. */
export { type LocalCommand, parseDownloadCommand, parseLocalCommand } from './commands.ts';
export { DEFAULT_SOURCES } from './fetch-content.ts';
export { IDENTITY_FILE, KEY_PINS_FILE, loadIdentity } from './identity.ts';
export * from './limits.ts';
export { DEFAULT_CHUNK_BYTES } from './merkle.ts';
export { encodeFileMessage, type FileMessage, parseFileMessage } from './messages.ts';
export { fileNameProblem, TEMP_PREFIX } from './names.ts';
export { DEFAULT_PUNCH_MS, type NatSettings } from './nat-link.ts';
export type { NatReport, TransferPair } from './nat-path.ts';
export { Peer, type PeerEvents, type PeerOptions, type PeerState } from './peer.ts';
export { FileRoomPins, PINS_FILE, type RoomIdentity, type RoomPins } from './room-pins.ts';
export {
  groupHex,
  type ServerTrust,
  serverPinKey,
  trustServer,
} from './server-trust.ts';
export { type SharedFile, ShareFolder, type ShareStatus } from './share-folder.ts';
export { checkPin, type SealSettings } from './transfer-seal.ts';
export type {
  AttemptFailure,
  DownloadOptions,
  DownloadResult,
  Responder,
  SourceReport,
  TransferEnd,
  TransferInfo,
} from './types.ts';
export { parseUserLine } from './user-line.ts';
