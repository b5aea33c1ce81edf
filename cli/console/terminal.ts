/**
 * The terminal under a console: node:readline with a prompt that lines printed meanwhile never
 * garble (clear the line, print, redraw the prompt and the half-typed input), questions whose
 * answer is not echoed (passwords), and tab completion. On a pipe: plain lines in and out.
 */
import {
  type Completer,
  clearLine,
  createInterface,
  cursorTo,
  type Interface,
} from 'node:readline';

/** Prints `text` above the prompt of `rl` on `stream`, the typed input kept (a terminal). */
export function printAbove(rl: Interface, stream: NodeJS.WriteStream, text: string): void {
  cursorTo(stream, 0);
  clearLine(stream, 0);
  stream.write(`${text}\n`);
  rl.prompt(true);
}

export interface TerminalOptions {
  prompt: string;
  completer?: Completer;
  /** ^C on a terminal (readline takes it from the signal). */
  onInterrupt: () => void;
}

export class Terminal {
  readonly tty: boolean;
  readonly #rl: Interface;
  readonly #queued: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #muted = false;
  #closed = false;
  /** While chatting: every line typed goes here. */
  onLine: ((line: string) => void) | undefined;
  onClose: (() => void) | undefined;

  constructor(options: TerminalOptions) {
    this.tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
    this.#rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: this.tty,
      prompt: options.prompt,
      completer: options.completer,
    });
    // Hidden answers: readline echoes what is typed through this method; nothing while muted.
    const rl = this.#rl as unknown as { _writeToOutput(text: string): void };
    const write = rl._writeToOutput.bind(rl);
    rl._writeToOutput = (text: string) => {
      if (!this.#muted) write(text);
    };
    this.#rl.on('line', (line) => this.#line(line));
    this.#rl.on('close', () => {
      this.#closed = true;
      this.#waiter?.(undefined);
      this.#waiter = undefined;
      this.onClose?.();
    });
    this.#rl.on('SIGINT', options.onInterrupt);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The next line typed, after `question`; undefined at the end of input. `hidden`: no echo. */
  ask(question: string, hidden = false): Promise<string | undefined> {
    const queued = this.#queued.shift();
    if (queued !== undefined || this.#closed) {
      if (!this.tty) process.stdout.write(`${question}\n`);
      return Promise.resolve(queued);
    }
    return new Promise((resolve) => {
      this.#waiter = (line) => {
        if (hidden && this.tty) process.stdout.write('\n');
        this.#muted = false;
        resolve(line);
      };
      if (this.tty) {
        this.#rl.setPrompt(question);
        this.#rl.prompt();
        this.#muted = hidden;
      } else process.stdout.write(`${question}\n`);
    });
  }

  /** From now on typed lines go to onLine, after the prompt `prompt`. */
  chat(prompt: string): void {
    this.#rl.setPrompt(prompt);
    for (const line of this.#queued.splice(0)) this.onLine?.(line);
    if (this.tty && !this.#closed) this.#rl.prompt();
  }

  print(text: string): void {
    if (this.#closed || !this.tty || this.#muted) process.stdout.write(`${text}\n`);
    else printAbove(this.#rl, process.stdout, text);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rl.close();
  }

  #line(line: string): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(line);
    } else if (this.onLine) {
      this.onLine(line);
      if (this.tty && !this.#closed) this.#rl.prompt();
    } else this.#queued.push(line);
  }
}
