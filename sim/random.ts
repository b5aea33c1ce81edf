import seedrandom from 'seedrandom';
import type { Random } from '../impl/platform/types.ts';

/**
 * Seeded randomness. Every consumer (a host, a path direction) gets its own stream derived from
 * the simulator seed and a stable label, so adding a host or a path never perturbs the draws of
 * the others.
 */
export function forkRandom(seed: string | number, label: string): SeededRandom {
  return new SeededRandom(seedrandom.alea(`${seed}/${label}`));
}

export class SeededRandom implements Random {
  constructor(private readonly prng: seedrandom.PRNG) {}

  next(): number {
    return this.prng();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 4) {
      const word = this.prng.int32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A standard normal draw (Box-Muller; two uniforms per draw keeps the stream simple). */
  normal(): number {
    const u = 1 - this.prng();
    const v = this.prng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
