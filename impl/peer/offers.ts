/**
 * The owner's side of whohas: the peer answers by itself for each file it shares, and says
 * nothing about the rest (a file not shared is simply not found, as in 2016).
 */
import type { ContentCache } from './content.ts';
import { encodeFileMessage } from './messages.ts';
import type { ShareFolder } from './share-folder.ts';
import type { PeerLink } from './types.ts';

/** After the server refuses one of our lines as over its rate, whohas goes unanswered this long. */
export const RATE_LIMITED_QUIET_MS = 2000;

export class Offers {
  readonly #link: PeerLink;
  readonly #share: ShareFolder;
  /** Until then (platform time) whohas gets no answer: the server said we are over its rate. */
  #quietUntil = Number.NEGATIVE_INFINITY;

  readonly #content: ContentCache;

  constructor(link: PeerLink, share: ShareFolder, content: ContentCache) {
    this.#link = link;
    this.#share = share;
    this.#content = content;
  }

  /**
   * The server answered one of our lines with `ERROR|RATE_LIMITED`. Answers queued behind a
   * rate-limited connection arrive too late to count and cost the lines we do need; people
   * flooding whohas must not push the rest of our traffic out.
   */
  rateLimited(): void {
    this.#quietUntil = this.#link.platform.clock.now() + RATE_LIMITED_QUIET_MS;
  }

  /** `have` to `asker` if `file` is shared; an automatic line, dropped on a full outbox. */
  async answer(asker: string, file: string): Promise<void> {
    if (this.#link.platform.clock.now() < this.#quietUntil) return;
    try {
      const { size, path } = await this.#share.lookupShared(file);
      // Named by content when the hash is known or quick to get; else the next answer has it.
      const hashes = await this.#content.lookup(path, this.#link.platform.clock);
      const content =
        hashes?.size === size
          ? {
              sha256: hashes.sha256.toString('hex'),
              tree: { chunkBytes: hashes.chunkBytes, root: hashes.root.toString('hex') },
            }
          : {};
      const address = this.#link.localAddress();
      this.#link.reply(asker, encodeFileMessage({ kind: 'have', file, size, address, ...content }));
    } catch {
      // Not shared, missing or not a valid name: whohas gets no answer, as in 2016.
    }
  }
}
