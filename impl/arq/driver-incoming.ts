import type { FileSystem, FileWriter } from '../platform/types.ts';
import { ioError } from './driver-shared.ts';
import { WriteBehind } from './driver-write-behind.ts';
import { commitWithoutOverwrite } from './files.ts';

/**
 * The receiver's file: a temporary file created at START, written behind, committed under a free
 * name once the core checked size and digest, deleted on any failure.
 */
export class IncomingFile {
  readonly sink: WriteBehind;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #name: string;
  readonly #ready: Promise<FileWriter | undefined>;
  #writer: FileWriter | undefined;
  #discarded = false;

  constructor(options: {
    fs: FileSystem;
    dir: string;
    name: string;
    fileSize: number;
    chunkBytes: number;
    limitBytes: number;
    /** After each write: the room grew. */
    onWritten: () => void;
    /** IO_ERRORs from creating or writing the temporary file. */
    onError: (error: ReturnType<typeof ioError>) => void;
  }) {
    this.#fs = options.fs;
    this.#dir = options.dir;
    this.#name = options.name;
    this.sink = new WriteBehind({
      chunkBytes: options.chunkBytes,
      limitBytes: options.limitBytes,
      expectedBytes: options.fileSize,
      onWritten: options.onWritten,
      onError: (error) => options.onError(ioError('cannot write the file', error)),
    });
    this.#ready = options.fs.createTemp(options.dir, options.name).then(
      (writer) => {
        if (this.#discarded) {
          writer.abort().catch(() => {});
          return undefined;
        }
        this.#writer = writer;
        this.sink.attach(writer);
        return writer;
      },
      (error) => {
        if (!this.#discarded) options.onError(ioError('cannot create the temporary file', error));
        return undefined;
      },
    );
  }

  /** Moves the finished temp file to the first free name (never overwriting) and returns it. */
  commit(): Promise<string> {
    return commitWithoutOverwrite(this.#writer!, this.#dir, this.#name);
  }

  /** Takes back a committed file (the transfer failed after all). */
  async uncommit(path: string): Promise<void> {
    await this.#fs.remove(path).catch(() => {});
  }

  /** Stops writing and deletes the temp file (or the one still being created). */
  async discard(): Promise<void> {
    this.#discarded = true;
    this.sink.close();
    const writer = await this.#ready;
    if (writer !== undefined) await writer.abort().catch(() => {});
  }
}
