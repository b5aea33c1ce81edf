import type { WhohasError } from '../errors.ts';
import type { FileSystem, FileWriter } from '../platform/types.ts';
import { commitWithoutOverwrite } from './files.ts';
import { ioError } from './shared.ts';
import { WriteBehind } from './write-behind.ts';

/**
 * The receiver's file: written behind through a temporary file from START on, committed under a
 * free name once the digest checks out, and deleted on any failure.
 */
export class IncomingFile {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #name: string;
  readonly #sink: WriteBehind;
  readonly #ready: Promise<FileWriter | undefined>;
  #writer: FileWriter | undefined;
  #discarded = false;

  /** `onError` gets IO_ERRORs from creating or writing the temp file. */
  constructor(
    fs: FileSystem,
    dir: string,
    name: string,
    chunkBytes: number,
    fileSize: number,
    onError: (error: WhohasError) => void,
  ) {
    this.#fs = fs;
    this.#dir = dir;
    this.#name = name;
    this.#sink = new WriteBehind(chunkBytes, fileSize, (error) =>
      onError(ioError('cannot write the file', error)),
    );
    this.#ready = fs.createTemp(dir, name).then(this.#onWriter, (error) => {
      onError(ioError('cannot create the temporary file', error));
      return undefined;
    });
  }

  /** false: no room right now (the packet is dropped; Go-Back-N sends it again). */
  store(payload: Buffer): boolean {
    return this.#sink.store(payload);
  }

  /** Flushes everything and hands over the SHA-256 of what was written. */
  finish(onFinished: (sha256: Buffer) => void): void {
    this.#sink.finish(onFinished);
  }

  /**
   * Moves the finished temp file to the first free name and returns its path; undefined if
   * `stillWanted` turned false while committing (the caller was told the transfer failed, so
   * the file is taken back).
   */
  async commit(stillWanted: () => boolean): Promise<string | undefined> {
    const path = await commitWithoutOverwrite(this.#writer!, this.#dir, this.#name);
    if (stillWanted()) return path;
    await this.#fs.remove(path).catch(() => {});
    return undefined;
  }

  /** Stops writing and deletes the temp file (or the one still being created). */
  async discard(): Promise<void> {
    this.#discarded = true;
    this.#sink.close();
    const writer = await this.#ready;
    if (writer !== undefined) await writer.abort().catch(() => {});
  }

  #onWriter = (writer: FileWriter): FileWriter | undefined => {
    if (this.#discarded) {
      writer.abort().catch(() => {});
      return undefined;
    }
    this.#writer = writer;
    this.#sink.attach(writer);
    return writer;
  };
}
