/**
 * What an owner sends for a getfile (docs/PROTOCOL.md, "Content and chunks"): the whole file,
 * a byte range of it (`range=`), or the leaves of its chunk tree (`part=tree`); with `sha256=`,
 * only if the file holds that content (else CONTENT_MISMATCH). A range or tree needs the file's
 * hashes, which the content cache has or computes (one read of the file).
 */
import { WhohasError } from '../errors.ts';
import type { FileReader } from '../platform/types.ts';
import type { ContentCache } from './content.ts';
import { packLeaves } from './merkle.ts';
import type { ByteRange } from './message-fields.ts';
import type { GetfileMessage } from './messages.ts';

export interface UploadSource {
  reader: FileReader;
  /** The whole file as shared: its hash may be cached (a range or tree is not the file). */
  whole: boolean;
  /** The SHA-256 of what is sent, when known before sending. */
  sha256?: Uint8Array;
}

/** Picks what to send from the opened file; closes `file` itself when it sends something else. */
export async function uploadSource(
  path: string,
  file: FileReader,
  request: GetfileMessage,
  content: ContentCache,
): Promise<UploadSource> {
  if (request.sha256 === undefined && request.range === undefined && request.part === undefined) {
    return { reader: file, whole: true };
  }
  // A range of a file that cannot be told from a rewrite (no identity: changed in the last 2 s)
  // is sent unchecked rather than hashed whole for every chunk: the requester checks its leaf.
  if (request.part === undefined && request.range !== undefined && file.identity === undefined) {
    return rangeOf(file, request, request.range);
  }
  const hashes = await content.of(path, file);
  if (request.sha256 !== undefined && hashes.sha256.toString('hex') !== request.sha256) {
    throw new WhohasError(
      'CONTENT_MISMATCH',
      `${request.file} holds SHA-256 ${hashes.sha256.toString('hex')}, not ${request.sha256}`,
    );
  }
  if (request.part === 'tree') {
    await file.close();
    return { reader: bufferReader(packLeaves(hashes.leaves)), whole: false };
  }
  const { range } = request;
  if (range === undefined) return { reader: file, whole: true, sha256: hashes.sha256 };
  return rangeOf(file, request, range);
}

function rangeOf(file: FileReader, request: GetfileMessage, range: ByteRange): UploadSource {
  if (range.offset + range.length > file.size) {
    throw new WhohasError(
      'BAD_ARGUMENT',
      `range ${range.offset}+${range.length} is past the end of ${request.file} (${file.size} bytes)`,
    );
  }
  return { reader: rangeReader(file, range.offset, range.length), whole: false };
}

/** `length` bytes of `reader` from `offset`, as a file of its own. */
export function rangeReader(reader: FileReader, offset: number, length: number): FileReader {
  return {
    size: length,
    read: (position, want) =>
      reader.read(offset + position, Math.max(0, Math.min(want, length - position))),
    close: () => reader.close(),
  };
}

export function bufferReader(bytes: Buffer): FileReader {
  return {
    size: bytes.length,
    read: async (position, length) => Buffer.from(bytes.subarray(position, position + length)),
    close: async () => undefined,
  };
}
