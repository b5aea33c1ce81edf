/**
 * The login dialog as a user types it: one encoder for every client the harness has. A step is
 * what the user answers and the lines the server replies with (each reply is a prefix of the
 * server's line). Scripted clients send the answers at once (the server handles pipelined
 * answers in order); checking clients send one answer at a time and check each reply.
 */

export interface LoginOptions {
  /** Create the room (default: join it). */
  create?: boolean;
  /** With `create`: protect the room with it; otherwise the room's password. */
  password?: string;
}

export interface LoginStep {
  readonly answer: string;
  /** The prefixes of the lines the server answers with, in order. */
  readonly replies: readonly string[];
}

/** The server's first line, before the user types anything. */
export const GREETING = 'OK|Welcome to whohas';

/** The dialog's last line: the user is in `room`. */
export const welcomePrefix = (room: string): string => `OK|Welcome to ${room}. You are all set`;

/** Every answer with the replies it gets, from the name to the welcome in the room. */
export function loginSteps(name: string, room: string, options: LoginOptions = {}): LoginStep[] {
  const { password } = options;
  const steps: LoginStep[] = [{ answer: name, replies: [`OK|Username ${name} accepted`] }];
  if (options.create) {
    steps.push({ answer: 'create', replies: ['OK|Specify a chatroom name'] });
    steps.push({ answer: room, replies: [`OK|Chatroom ${room} created`] });
    if (password === undefined || password === '') {
      steps.push({ answer: 'no', replies: ['OK|Chatroom has been made public.'] });
    } else {
      steps.push({ answer: 'yes', replies: ['OK|Specify a password'] });
      steps.push({ answer: password, replies: [`OK|Chatroom ${room} is now password protected.`] });
    }
  } else {
    steps.push({ answer: 'join', replies: ['OK|Here is a list', 'ROOMS'] });
    const joined = ['OK|You have joined chatroom', 'PEERS'];
    if (password === undefined || password === '') {
      steps.push({ answer: room, replies: joined });
    } else {
      steps.push({ answer: room, replies: [`OK|Chatroom ${room} is password protected.`] });
      steps.push({ answer: password, replies: joined });
    }
  }
  const last = steps[steps.length - 1];
  steps[steps.length - 1] = { ...last, replies: [...last.replies, welcomePrefix(room)] };
  return steps;
}

/** The lines a user types through the login dialog, as the server asks for them. */
export function loginAnswers(name: string, room: string, options: LoginOptions = {}): string[] {
  return loginSteps(name, room, options).map((step) => step.answer);
}
