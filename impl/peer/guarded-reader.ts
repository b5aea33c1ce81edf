/**
 * The owner's view of a file it is sending: a FileReader that turns a short read (the file
 * shrank since it was opened: someone truncated or rewrote it) into FILE_CHANGED at once, with
 * what was expected, instead of the engine's generic IO_ERROR. Uploads then tell the requester
 * over chat too (`refused|...|FILE_CHANGED|...`), so a lost datagram ABORT does not leave it
 * waiting for its idle timeout.
 */
import { WhohasError } from '../errors.ts';
import type { FileReader } from '../platform/types.ts';

export function guardedReader(reader: FileReader, file: string): FileReader {
  return {
    size: reader.size,
    identity: reader.identity,
    async read(position, length) {
      const chunk = await reader.read(position, length);
      const expected = Math.max(0, Math.min(length, reader.size - position));
      if (chunk.length < expected) {
        throw new WhohasError(
          'FILE_CHANGED',
          `${file} shrank while being sent: ${position + chunk.length} bytes where ${reader.size} were announced`,
        );
      }
      return chunk;
    },
    close: () => reader.close(),
  };
}

/** Failures the owner finds on its own side: the requester cannot know them unless told. */
export function isOwnerSideFailure(error: WhohasError): boolean {
  return error.code === 'FILE_CHANGED' || error.code === 'IO_ERROR';
}
