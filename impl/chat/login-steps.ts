/** The login dialog's steps, their prompts, and how an answer is refused (login.ts). */
import type { ErrorCode } from '../errors.ts';

/** Why an answer was refused; undefined when it was accepted. */
export type Refusal = { code: ErrorCode; text: string } | undefined;

export function refusal(code: ErrorCode, text: string): Refusal {
  return { code, text };
}

export type Step =
  | 'username'
  | 'key-proof'
  | 'choice'
  | 'create-room'
  | 'protect'
  | 'create-password'
  | 'join-room'
  | 'join-password';

export function unavailable(): Refusal {
  return refusal('CLUSTER_UNAVAILABLE', 'The server cannot reach its cluster; try again soon');
}

export const PROMPTS: Record<Step, string> = {
  username: 'send your username',
  'key-proof': 'send the signature of the challenge',
  choice: 'send create or join',
  'create-room': 'send the name of the chatroom to create',
  protect: 'send yes or no',
  'create-password': 'send the password for the room',
  'join-room': 'send the name of the chatroom to join',
  'join-password': 'send the password of the room',
};
