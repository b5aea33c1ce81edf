/**
 * The login dialog of docs/PROTOCOL.md: username, create or join, room name, protection and
 * password. One refusal line per refused answer; a few refusals at one step and the server hangs up.
 */
import type { ErrorCode } from '../errors.ts';
import { type ClusterLink, LocalCluster, type Maybe } from './cluster.ts';
import { HeldLines } from './held-lines.ts';
import { challengeLine, checkProof, splitKeyedAnswer } from './login-key.ts';
import { PROMPTS, type Refusal, refusal, type Step, unavailable } from './login-steps.ts';
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

export const GREETING = okLine('Welcome to whohas. Please enter your username');

export class LoginDialog {
  readonly #session: Session;
  readonly #registry: Registry;
  readonly #maxTries: number;
  readonly #guard: PasswordGuard;
  readonly #onDone: () => void;
  readonly #cluster: ClusterLink;
  readonly #held = new HeldLines();
  #done = false;
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
    cluster: ClusterLink = new LocalCluster(),
  ) {
    this.#nonce = nonce;
    this.#session = session;
    this.#registry = registry;
    this.#maxTries = maxTries;
    this.#guard = guard;
    this.#onDone = onDone;
    this.#cluster = cluster;
  }

  handle(line: string): void {
    if (this.#held.hold(line)) return; // while the cluster answers
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
    // The cluster's claim is the atomic one: of two servers claiming one name, one wins.
    return this.#await(this.#cluster.claimName(name), (claim) => {
      if (this.#session.closed) {
        if (claim === 'ok') this.#cluster.left(name, undefined, null); // gone while we asked
        return undefined;
      }
      if (claim === 'unavailable') return unavailable();
      if (claim === 'taken' || this.#registry.isNameTaken(name)) {
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
      return this.#advance('choice', `Username ${name} accepted. Send create/join a chatroom`);
    });
  }

  #keyProof(signature: string): Refusal {
    const claim = this.#claim!;
    const name = this.#session.username!;
    const proven = checkProof(claim.key, name, claim.nonce, signature);
    if (proven === undefined) {
      return refusal('BAD_SIGNATURE', 'That is not a signature of the challenge by the key sent');
    }
    this.#session.keyFingerprint = proven;
    return this.#advance('choice', `Username ${name} accepted. Send create/join a chatroom`);
  }

  #choice(choice: string): Refusal {
    if (choice === 'create') {
      return this.#advance('create-room', 'Specify a chatroom name to create.');
    }
    if (choice !== 'join') return refusal('BAD_CHOICE', 'Send create or join');
    // Rooms made on other servers just before are known here once caught up.
    return this.#await(this.#cluster.caughtUp(), () => {
      const rooms = this.#registry.roomNames();
      if (rooms.length === 0) {
        return refusal('NO_SUCH_ROOM', 'There are no chatrooms yet. Send create to make one');
      }
      this.#advance('join-room', 'Here is a list of chatrooms you can join.');
      this.#session.send(listLine('ROOMS', rooms));
      return undefined;
    });
  }

  #createRoom(answer: string): Refusal {
    const name = normalizeName(answer);
    const problem = nameProblem(name);
    if (problem !== undefined) return refusal('BAD_ROOM_NAME', `Bad room name: ${problem}`);
    const exists = refusal('ROOM_EXISTS', `Chatroom ${name} already exists`);
    if (this.#registry.room(name) !== undefined) return exists;
    return this.#await(this.#cluster.reserveRoom(name), (claim) => {
      if (claim === 'unavailable') return unavailable();
      if (claim === 'taken') return exists;
      if (this.#session.closed || !this.#registry.reserveRoom(this.#session, name)) {
        this.#cluster.unreserved(nameKey(name));
        return exists;
      }
      this.#roomName = name;
      return this.#advance(
        'protect',
        `Chatroom ${name} created. Do you want to password protect the room?`,
      );
    });
  }

  #protect(answer: string): Refusal {
    if (answer === 'yes' || answer === 'y') {
      return this.#advance('create-password', 'Specify a password for the room.');
    }
    if (answer !== 'no' && answer !== 'n') return refusal('BAD_CHOICE', 'Send yes or no');
    this.#session.send(okLine('Chatroom has been made public.'));
    return this.#enter(this.#registry.openRoom(this.#session, this.#roomName, undefined));
  }

  #createPassword(password: string): Refusal {
    const problem = passwordProblem(password);
    if (problem !== undefined) return refusal('BAD_PASSWORD', `Bad password: ${problem}`);
    this.#session.send(okLine(`Chatroom ${this.#roomName} is now password protected.`));
    return this.#enter(this.#registry.openRoom(this.#session, this.#roomName, password));
  }

  #joinRoom(answer: string): Refusal {
    const name = normalizeName(answer);
    const problem = nameProblem(name);
    if (problem !== undefined) return refusal('BAD_ROOM_NAME', `Bad room name: ${problem}`);
    return this.#await(this.#cluster.caughtUp(), () => {
      const room = this.#registry.room(name);
      if (room === undefined) return refusal('NO_SUCH_ROOM', `No chatroom named ${name}`);
      if (!room.isPrivate) return this.#join(room);
      this.#roomName = room.name;
      const text = `Chatroom ${room.name} is password protected. Send the password.`;
      return this.#advance('join-password', text);
    });
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
    return this.#await(this.#cluster.checkPassword(room, password), (right) => {
      if (this.#session.closed) return undefined;
      if (right === 'unavailable') return unavailable();
      if (!right) {
        this.#guard.failed(address, nameKey(room.name));
        return refusal('WRONG_PASSWORD', `Wrong password for chatroom ${room.name}`);
      }
      this.#guard.succeeded(address);
      if (this.#registry.room(room.name) !== room) return this.#joinPassword(password);
      // A room made on another server: its members here can now answer get_passwd.
      if (room.password === undefined) room.learnPassword(password);
      return this.#join(room);
    });
  }

  /**
   * Runs `then` on the cluster's answer: now (one server), or when it comes, holding the
   * client's next lines until then (the answer decides what they mean).
   */
  #await<T>(answer: Maybe<T>, then: (value: T) => Refusal): Refusal {
    return this.#held.await(answer, then, unavailable, (refused, held) => {
      if (this.#session.closed) return; // the step ran anyway: it releases what it claimed
      if (refused !== undefined) this.#refuse(refused.code, refused.text);
      // Lines sent after the last answer are chat lines once the user is in.
      for (const line of held) this.#done ? this.#session.replay(line) : this.handle(line);
    });
  }

  #join(room: Room): Refusal {
    this.#session.send(okLine(`You have joined chatroom - ${room.name}`));
    this.#session.send(listLine('PEERS', room.memberNames()));
    this.#registry.join(this.#session, room);
    return this.#enter(room);
  }

  /** Welcome, once the cluster has the user (at once on one server): nobody can miss them. */
  #enter(room: Room): Refusal {
    return this.#await(this.#cluster.settled(), () => {
      if (this.#session.closed) return undefined;
      this.#session.send(okLine(`Welcome to ${room.name}. You are all set to pass messages`));
      this.#done = true;
      this.#onDone();
      return undefined;
    });
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
