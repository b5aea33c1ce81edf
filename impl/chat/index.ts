/** The chat server's public surface. */
export { AdminConsole } from './admin.ts';
export { type ChatLimits, DEFAULT_LIMITS } from './limits.ts';
export {
  type BadEncoding,
  type DecodedLine,
  decodeLine,
  type Frame,
  LineFramer,
  type RawFrame,
} from './line-framer.ts';
export { GREETING } from './login.ts';
export {
  ChatServer,
  type ChatServerOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_PORT_TRIES,
} from './server.ts';
export type { ChatServerStats } from './stats.ts';
export { nameProblem, parseMessage, passwordProblem, RESERVED_USERNAMES } from './wire.ts';
