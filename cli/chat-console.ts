/**
 * A line console for chatting: what the user types comes in as lines, and text printed while
 * they type appears above the prompt with their half-typed line redrawn intact (node:readline).
 * On a pipe it degrades to plain line reading and printing.
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';

export interface ChatConsoleOptions {
  prompt: string;
  onLine: (line: string) => void;
  /** End of input (^D, end of a pipe). */
  onClose: () => void;
  /** ^C on a terminal (readline takes it from the signal). */
  onInterrupt: () => void;
}

export class ChatConsole {
  readonly #readline: Interface;
  readonly #terminal: boolean;
  #closed = false;

  constructor(options: ChatConsoleOptions) {
    this.#terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
    this.#readline = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: this.#terminal,
      prompt: options.prompt,
    });
    this.#readline.on('line', (line) => {
      options.onLine(line);
      if (!this.#closed && this.#terminal) this.#readline.prompt();
    });
    this.#readline.on('close', () => {
      this.#closed = true;
      options.onClose();
    });
    this.#readline.on('SIGINT', options.onInterrupt);
  }

  start(): void {
    if (this.#terminal) this.#readline.prompt();
  }

  print(text: string): void {
    if (this.#closed || !this.#terminal) {
      process.stdout.write(`${text}\n`);
      return;
    }
    cursorTo(process.stdout, 0);
    clearLine(process.stdout, 0);
    process.stdout.write(`${text}\n`);
    this.#readline.prompt(true);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readline.close();
  }
}
