import type { Scheme } from '../arq/codec.ts';
import type { TransferStats } from '../arq/stats.ts';
import type { WhohasError } from '../errors.ts';
import type { FileSystem } from '../platform/types.ts';
import type { GetfileMessage } from './messages.ts';

export type DownloadSettings = { window: number; arq: Scheme; packetSize: number; outDir: string };

/**
 * Part of a file (multi-source.ts): a byte range or the tree, asked for by content, committed
 * as `name` in `dir` (the resume folder) instead of the landing name in the download folder.
 */
export interface Piece {
  dir: string;
  name: string;
  request: Pick<GetfileMessage, 'sha256' | 'range' | 'part'>;
  /** The file system the receiver writes through (a run received in place, chunk-store.ts). */
  fs?: FileSystem;
  /** Called once the piece is under way with a function that stops it (a slower copy). */
  onStart?: (stop: (error: WhohasError) => void, stats: () => TransferStats) => void;
}
