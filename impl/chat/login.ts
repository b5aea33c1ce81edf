/**
 * The login dialog of docs/PROTOCOL.md: username, create or join, room name, protection and
 * password. One refusal line per refused answer; a few refusals at one step and the server hangs up.
 */
import type { ErrorCode } from '../errors.ts';
import { challengeLine, checkProof, splitKeyedAnswer } from './login-key.ts';
import type { PasswordGuard } from './password-guard.ts';
import type { Registry, Room } from './rooms.ts';
import type { Session } from './session.ts';
import {
  answerOf,
  errorLine,
  isReservedUsername,
  listLine,
  nameKey,
  nameProblem,
  normalizeName,
  okLine,
  passwordProblem,
} from './wire.ts';

/** Why an answer was refused; undefined when it was accepted. */
type Refusal = { code: ErrorCode; text: string } | undefined;

function refusal(code: ErrorCode, text: string): Refusal {
  return { code, text };
}

type Step =
  | 'username'
  | 'key-proof'
  | 'choice'
  | 'create-room'
  | 'protect'
  | 'create-password'
  | 'join-room'
  | 'join-password';

export const GREETING = okLine('Welcome to whohas. Please enter your username');

export class LoginDialog {
  readonly #session: Session;
  readonly #registry: Registry;
  readonly #maxTries: number;
  readonly #guard: PasswordGuard;
  readonly #onDone: () => void;
  #step: Step = 'username';
  #tries = 0;
  #roomName = '';
  /** A keyed login: the key claimed and the nonce it must sign. */
  #claim: { key: Buffer; nonce: string } | undefined;
  readonly #nonce: () => string;

  constructor(
    session: Session,
    registry: Registry,
    maxTries: number,
    guard: PasswordGuard,
    onDone: () => void,
    nonce: () => string = () => '0',
  ) {
    this.#nonce = nonce;
    this.#session = session;
    this.#registry = registry;
    this.#maxTries = maxTries;
    this.#guard = guard;
    this.#onDone = onDone;
  }

  handle(line: string): void {
    const answer = answerOf(line);
    if (answer === '') return;
    if (answer.startsWith('@') || answer.startsWith('#')) {
      this.#refuse('NOT_LOGGED_IN', `Finish the login first: ${PROMPTS[this.#step]}`);
      return;
    }
    const refused = this.#answer(answer);
    if (refused !== undefined) this.#refuse(refused.code, refused.text);
  }

  #answer(answer: string): Refusal {
    switch (this.#step) {
      case 'username':
        return this.#username(answer);
      case 'key-proof':
        return this.#keyProof(answer);
      case 'choice':
        return this.#choice(answer.toLowerCase());
      case 'create-room':
        return this.#createRoom(answer);
      case 'protect':
        return this.#protect(answer.toLowerCase());
      case 'create-password':
        return this.#createPassword(answer);
      case 'join-room':
        return this.#joinRoom(answer);
      case 'join-password':
        return this.#joinPassword(answer);
    }
  }

  #username(given: string): Refusal {
    const keyed = splitKeyedAnswer(given);
    if (keyed && keyed.key === undefined) {
      return refusal('BAD_KEY', 'The key must be 32 bytes of Ed25519 public key in base64url');
    }
    const answer = keyed ? keyed.name : given;
    const name = normalizeName(answer);
    const problem = nameProblem(name);
    if (problem !== undefined) return refusal('BAD_NAME', `Bad username: ${problem}`);
    if (isReservedUsername(name)) {
      return refusal('RESERVED_NAME', `The username ${name} is reserved`);
    }
    if (this.#registry.isNameTaken(name)) {
      return refusal('NAME_TAKEN', `The username ${name} is taken`);
    }
    this.#session.username = name;
    this.#registry.claimName(this.#session, name);
    if (keyed?.key) {
      // The name is held while the client proves the key (a disconnect frees it, as ever).
      this.#claim = { key: keyed.key, nonce: this.#nonce() };
      this.#step = 'key-proof';
      this.#tries = 0;
      this.#session.send(challengeLine(this.#claim.nonce, name));
      return undefined;
    }
    this.#advance('choice', `Username ${name} accepted. Send create/join a chatroom`);
  }

  #keyProof(signature: string): Refusal {
    const claim = this.#claim!;
    const name = this.#session.username!;
    const proven = checkProof(claim.key, name, claim.nonce, signature);
    if (proven === undefined) {
      return refusal('BAD_SIGNATURE', 'That is not a signature of the challenge by the key sent');
    }
    this.#session.keyFingerprint = proven;
    this.#advance('choice', `Username ${name} accepted. Send create/join a chatroom`);
  }

  #choice(choice: string): Refusal {
    if (choice === 'create') {
      return this.#advance('create-room', 'Specify a chatroom name to create.');
    }
    if (choice !== 'join') return refusal('BAD_CHOICE', 'Send create or join');
    const rooms = this.#registry.roomNames();
    if (rooms.length === 0) {
      return refusal('NO_SUCH_ROOM', 'There are no chatrooms yet. Send create to make one');
    }
    this.#advance('join-room', 'Here is a list of chatrooms you can join.');
    this.#session.send(listLine('ROOMS', rooms));
  }

  #createRoom(answer: string): Refusal {
    const name = normalizeName(answer);
    const problem = nameProblem(name);
    if (problem !== undefined) return refusal('BAD_ROOM_NAME', `Bad room name: ${problem}`);
    if (!this.#registry.reserveRoom(this.#session, name)) {
      return refusal('ROOM_EXISTS', `Chatroom ${name} already exists`);
    }
    this.#roomName = name;
    this.#advance('protect', `Chatroom ${name} created. Do you want to password protect the room?`);
  }

  #protect(answer: string): Refusal {
    if (answer === 'yes' || answer === 'y') {
      return this.#advance('create-password', 'Specify a password for the room.');
    }
    if (answer !== 'no' && answer !== 'n') return refusal('BAD_CHOICE', 'Send yes or no');
    this.#session.send(okLine('Chatroom has been made public.'));
    this.#enter(this.#registry.openRoom(this.#session, this.#roomName, undefined));
  }

  #createPassword(password: string): Refusal {
    const problem = passwordProblem(password);
    if (problem !== undefined) return refusal('BAD_PASSWORD', `Bad password: ${problem}`);
    this.#session.send(okLine(`Chatroom ${this.#roomName} is now password protected.`));
    this.#enter(this.#registry.openRoom(this.#session, this.#roomName, password));
  }

  #joinRoom(answer: string): Refusal {
    const name = normalizeName(answer);
    const problem = nameProblem(name);
    if (problem !== undefined) return refusal('BAD_ROOM_NAME', `Bad room name: ${problem}`);
    const room = this.#registry.room(name);
    if (room === undefined) return refusal('NO_SUCH_ROOM', `No chatroom named ${name}`);
    if (!room.isPrivate) return this.#join(room);
    this.#roomName = room.name;
    this.#advance(
      'join-password',
      `Chatroom ${room.name} is password protected. Send the password.`,
    );
  }

  #joinPassword(password: string): Refusal {
    const room = this.#registry.room(this.#roomName);
    if (room === undefined) {
      // It emptied while the password was being typed: start over from the choice.
      this.#step = 'choice';
      this.#tries = 0;
      this.#session.send(
        errorLine(
          'NO_SUCH_ROOM',
          `Chatroom ${this.#roomName} no longer exists. Send create/join a chatroom`,
        ),
      );
      return;
    }
    const problem = passwordProblem(password);
    if (problem !== undefined) return refusal('BAD_PASSWORD', `Bad password: ${problem}`);
    // Limited before it is checked: a blocked guess learns nothing, right or wrong.
    const { address } = this.#session;
    const verdict = this.#guard.admit(address, nameKey(room.name));
    if (!verdict.ok) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      return refusal('TOO_MANY_ATTEMPTS', `${verdict.why}; retry after ${seconds} s`);
    }
    if (!room.checkPassword(password)) {
      this.#guard.failed(address, nameKey(room.name));
      return refusal('WRONG_PASSWORD', `Wrong password for chatroom ${room.name}`);
    }
    this.#guard.succeeded(address);
    this.#join(room);
  }

  #join(room: Room): Refusal {
    this.#session.send(okLine(`You have joined chatroom - ${room.name}`));
    this.#session.send(listLine('PEERS', room.memberNames()));
    this.#registry.join(this.#session, room);
    this.#enter(room);
    return undefined;
  }

  #enter(room: Room): void {
    this.#session.send(okLine(`Welcome to ${room.name}. You are all set to pass messages`));
    this.#onDone();
  }

  /** Accepts the answer: the next step and its prompt. */
  #advance(step: Step, text: string): Refusal {
    this.#step = step;
    this.#tries = 0;
    this.#session.send(okLine(text));
    return undefined;
  }

  #refuse(code: ErrorCode, text: string): void {
    this.#session.send(errorLine(code, text));
    this.#tries += 1;
    if (this.#tries >= this.#maxTries) {
      this.#session.dismiss(
        errorLine('TOO_MANY_TRIES', `${this.#maxTries} refused answers; disconnecting`),
      );
    }
  }
}

const PROMPTS: Record<Step, string> = {
  username: 'send your username',
  'key-proof': 'send the signature of the challenge',
  choice: 'send create or join',
  'create-room': 'send the name of the chatroom to create',
  protect: 'send yes or no',
  'create-password': 'send the password for the room',
  'join-room': 'send the name of the chatroom to join',
  'join-password': 'send the password of the room',
};
