/**
 * A download by content (docs/PROTOCOL.md, "Content and chunks"): the responders are grouped by
 * what their file holds; the content asked for (or the one most owners hold) is fetched, and
 * owners that disagree are named in the result. With `sources` (`whohas get` and the console
 * always give it), a file of more than one chunk whose owners announce a tree is fetched in
 * runs of chunks from up to that many owners at once, resuming what an earlier run kept
 * (multi-source.ts); anything else whole from one owner at a time, as before.
 */
import type { Clock, FileSystem } from '../platform/types.ts';
import { disagreement, groupByContent, pickContent } from './content-groups.ts';
import type { DownloadSettings, Downloads } from './downloads.ts';
import { DEFAULT_SOURCES } from './limits.ts';
import { chunkCount } from './merkle.ts';
import { fetchChunked } from './multi-source.ts';
import type { DownloadOptions, DownloadResult, Responder, SourceReport } from './types.ts';

export { DEFAULT_SOURCES };

export interface ContentJob {
  downloads: Downloads;
  fs: FileSystem;
  clock: Clock;
  file: string;
  responders: readonly Responder[];
  settings: DownloadSettings;
  options: DownloadOptions;
  isMember: (user: string) => boolean;
}

export async function fetchContent(job: ContentJob): Promise<DownloadResult> {
  const { file, options, settings } = job;
  const groups = groupByContent(job.responders);
  const group = pickContent(groups, options.sha256);
  const said = disagreement(file, groups);
  const extra = {
    ...(group.sha256 === undefined ? {} : { sha256: group.sha256 }),
    ...(said === undefined ? {} : { disagreement: said }),
  };
  const { sha256, tree, size } = group;
  const named = group.responders.filter((r) => r.sha256 === sha256 && r.tree?.root === tree?.root);
  const chunked = options.sources !== undefined && tree !== undefined;
  if (chunked && sha256 !== undefined && chunkCount(size, tree.chunkBytes) > 1) {
    const sources = named.slice(0, Math.max(1, options.sources ?? DEFAULT_SOURCES));
    const result = await fetchChunked({
      downloads: job.downloads,
      fs: job.fs,
      clock: job.clock,
      settings,
      content: { file, size, sha256, tree },
      sources,
      isMember: job.isMember,
      onProgress: options.onProgress,
      ...(options.maxRunBytes === undefined ? {} : { maxRunBytes: options.maxRunBytes }),
    });
    const top = [...result.sources].sort((a, b) => b.bytes - a.bytes)[0];
    const from = sources.find((r) => r.user === top?.user) ?? sources[0];
    return { ...result, from, ...extra };
  }
  const result = await job.downloads.fetch(group.responders, settings, options, job.isMember);
  const sources: SourceReport[] = [];
  for (const failure of result.failures) {
    const known = sources.find((s) => s.user === failure.user);
    if (known) known.failures++;
    else sources.push({ user: failure.user, bytes: 0, chunks: 0, failures: 1 });
  }
  sources.push({ user: result.from.user, bytes: result.stats.bytes, chunks: 1, failures: 0 });
  return { ...result, sources, resumedBytes: 0, ...extra };
}
