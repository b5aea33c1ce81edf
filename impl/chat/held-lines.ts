/**
 * A login dialog waiting for its cluster's answer (impl/chat/cluster.ts): the client's lines that
 * arrive meanwhile are held, then given back in order. On one server every answer is immediate
 * and nothing is ever held.
 */
import type { Maybe } from './cluster.ts';

export class HeldLines {
  #held: string[] | undefined;

  /** Keeps the line and returns true while an answer is awaited. */
  hold(line: string): boolean {
    if (this.#held === undefined) return false;
    this.#held.push(line);
    return true;
  }

  /**
   * `then(answer)` now if the answer is a value, and its result returned; otherwise undefined
   * now, and later `after(then(answer) or failed(), the lines held meanwhile)`.
   */
  await<T, R>(
    answer: Maybe<T>,
    then: (value: T) => R,
    failed: () => R,
    after: (result: R, held: string[]) => void,
  ): R | undefined {
    if (!(answer instanceof Promise)) return then(answer);
    this.#held = [];
    const resume = (step: () => R) => {
      const held = this.#held ?? [];
      this.#held = undefined;
      after(step(), held);
    };
    answer.then(
      (value) => resume(() => then(value)),
      () => resume(failed),
    );
    return undefined;
  }
}
