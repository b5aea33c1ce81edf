import type { ResolvedPathConfig } from './profiles.ts';
import type { SeededRandom } from './random.ts';
import type { DropReason } from './trace.ts';

/**
 * The loss models of one link direction, applied to each datagram as it leaves the queue, in a
 * fixed order with draws from the path's stream only where a model is configured (so adding a
 * model to one path never shifts another's draws):
 * 1. Gilbert-Elliott burst loss (a two-state chain, one step per datagram);
 * 2. i.i.d. loss;
 * 3. bit and byte errors: a datagram of w bytes on the wire survives with (1 − ber)^(8w) ·
 *    (1 − byteErrorRate)^w, so large datagrams are lost more often;
 * 4. the drop list: the k-th datagrams to leave the queue (1-based), as ns-3's ListErrorModel.
 */
export class LossModel {
  private burstBad = false;
  private departed = 0;
  private dropSet: ReadonlySet<number> | null = null;
  private cfg: ResolvedPathConfig;

  constructor(
    config: ResolvedPathConfig,
    private readonly random: SeededRandom,
  ) {
    this.cfg = config;
    this.configure(config);
  }

  configure(config: ResolvedPathConfig): void {
    this.cfg = config;
    this.dropSet = config.dropList.length > 0 ? new Set(config.dropList) : null;
  }

  /** Why a datagram of `size` wire bytes is lost, or null when it goes through. */
  lose(size: number): DropReason | null {
    const cfg = this.cfg;
    const random = this.random;
    const burst = cfg.burstLoss;
    if (burst !== null) {
      if (this.burstBad) {
        if (random.next() < burst.pBadToGood) this.burstBad = false;
      } else if (random.next() < burst.pGoodToBad) {
        this.burstBad = true;
      }
      const p = this.burstBad ? (burst.lossBad ?? 1) : (burst.lossGood ?? 0);
      if (p > 0 && random.next() < p) return 'burst-loss';
    }
    if (cfg.loss > 0 && random.next() < cfg.loss) return 'loss';
    if (cfg.ber > 0 || cfg.byteErrorRate > 0) {
      const intact = (1 - cfg.ber) ** (8 * size) * (1 - cfg.byteErrorRate) ** size;
      if (random.next() >= intact) return 'bit-error';
    }
    if (this.dropSet?.has(++this.departed)) return 'drop-list';
    return null;
  }
}
