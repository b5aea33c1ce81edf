/**
 * The leaves of a file's chunk tree (docs/PROTOCOL.md, "Resume"): asked of each owner in turn
 * (`getfile ...|sha256=<hash>|part=tree`), kept in the download folder as the resume record's
 * tree, and accepted only when they make the root the owners announced; an owner whose tree
 * does not is reported (BAD_CHUNK) and the next one asked.
 */
import { posix } from 'node:path';
import { WhohasError } from '../errors.ts';
import { asWhohasError } from './download-progress.ts';
import { unpackLeaves } from './merkle.ts';
import type { ChunkedJob, Source } from './multi-source.ts';
import { leavesMatch, treeName } from './resume.ts';
import type { AttemptFailure } from './types.ts';

export async function fetchTree(
  job: ChunkedJob,
  sources: readonly Source[],
  fail: (source: Source, error: WhohasError) => void,
): Promise<Buffer[]> {
  const { fs, content, settings } = job;
  const name = treeName(content);
  const failures: AttemptFailure[] = [];
  for (const source of sources) {
    try {
      const request = { sha256: content.sha256, part: 'tree' as const };
      const got = await job.downloads.piece(source.responder, settings, {
        dir: settings.outDir,
        name,
        request,
      });
      const leaves = unpackLeaves(await fs.readFile(got.path));
      if (got.path === posix.join(settings.outDir, name) && leavesMatch(content, leaves)) {
        return leaves!;
      }
      await fs.remove(got.path).catch(() => undefined);
      throw new WhohasError('BAD_CHUNK', `${source.user} sent a tree that does not match its root`);
    } catch (error) {
      const failure = asWhohasError(error);
      failures.push({ user: source.user, error: failure });
      fail(source, failure);
    }
  }
  const reasons = failures.map((f) => `${f.user}: ${f.error.code} (${f.error.message})`);
  throw new WhohasError(
    'ALL_RESPONDERS_FAILED',
    `no owner delivered the tree of ${content.file}: ${reasons.join('; ')}`,
    { cause: failures },
  );
}
