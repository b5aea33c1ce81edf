/**
 * The chat line codec: bytes in, complete lines out. Pure: it never touches a socket, and the
 * frames it produces do not depend on how the byte stream was split into chunks. Framing and
 * decoding are two steps, so a line that will be refused anyway (rate limit) is never decoded.
 */
import { isUtf8 } from 'node:buffer';

export type BadEncoding = 'utf8' | 'nul' | 'control' | 'separator';

/** What push() yields: a line's bytes (no terminator), or an oversize line. */
export type RawFrame =
  | { kind: 'raw'; bytes: Buffer }
  /** A line passed the limit; the rest of it, up to its '\n', is discarded. Reported once. */
  | { kind: 'too-long' };

/** A raw line decoded (decodeLine): its text, or why it is refused. */
export type DecodedLine =
  | { kind: 'line'; text: string }
  | { kind: 'bad-encoding'; reason: BadEncoding };

export type Frame = DecodedLine | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;

export class LineFramer {
  readonly maxLineBytes: number;
  #parts: Buffer[] = [];
  #partBytes = 0;
  #discarding = false;
  #sawNewline = false;

  constructor(maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes held for an unfinished line (bounded by maxLineBytes + 1). */
  get pendingBytes(): number {
    return this.#partBytes;
  }

  /**
   * True once the stream carried a '\n': from then on only newlines end lines, and flush() is a
   * no-op (netcat users and whohas peers are never framed by silence).
   */
  get framedByNewlines(): boolean {
    return this.#sawNewline;
  }

  /**
   * The 2016 client's framing: it sends each message as one write without a newline. The caller
   * calls this after a quiet time with bytes pending; on a stream that never carried a '\n', the
   * bytes held are taken as one line. Returns nothing once the stream has carried a '\n'.
   */
  flush(): RawFrame[] {
    if (this.#sawNewline) return [];
    // The silence also ends an oversize unterminated message: what follows is a new one.
    this.#discarding = false;
    if (this.#partBytes === 0) return [];
    const frames: RawFrame[] = [];
    this.#complete(Buffer.alloc(0), frames);
    return frames;
  }

  /** Feeds a chunk; returns the frames it completes, in stream order. */
  push(chunk: Uint8Array): RawFrame[] {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frames: RawFrame[] = [];
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(LF, start);
      const end = newline === -1 ? bytes.length : newline;
      if (newline !== -1) this.#sawNewline = true;
      if (this.#discarding) {
        if (newline !== -1) this.#discarding = false;
      } else if (newline === -1) {
        this.#hold(bytes.subarray(start, end), frames);
      } else {
        this.#complete(bytes.subarray(start, end), frames);
      }
      start = end + 1;
    }
    return frames;
  }

  /** Forgets an unfinished line (the stream ended in the middle of it). */
  reset(): void {
    this.#parts = [];
    this.#partBytes = 0;
    this.#discarding = false;
  }

  #hold(piece: Buffer, frames: RawFrame[]): void {
    // A copy, so a short unfinished line does not pin the whole chunk it arrived in.
    this.#parts.push(Buffer.from(piece));
    this.#partBytes += piece.length;
    // One byte of slack: it may be the '\r' of a '\r\n' that ends a line of exactly the limit.
    const over =
      this.#partBytes > this.maxLineBytes + 1 ||
      (this.#partBytes === this.maxLineBytes + 1 && piece[piece.length - 1] !== CR);
    if (over) {
      this.#parts = [];
      this.#partBytes = 0;
      this.#discarding = true;
      frames.push({ kind: 'too-long' });
    }
  }

  #complete(last: Buffer, frames: RawFrame[]): void {
    let line = last;
    if (this.#parts.length > 0) {
      this.#parts.push(last);
      line = Buffer.concat(this.#parts, this.#partBytes + last.length);
      this.#parts = [];
      this.#partBytes = 0;
    }
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (line.length > this.maxLineBytes) {
      frames.push({ kind: 'too-long' });
      return;
    }
    frames.push({ kind: 'raw', bytes: line });
  }
}

/** One line's bytes (no terminator) to its text, or why it is refused. */
export function decodeLine(line: Buffer): DecodedLine {
  const bad = findBadByte(line);
  if (bad !== undefined) return { kind: 'bad-encoding', reason: bad };
  if (!isUtf8(line)) return { kind: 'bad-encoding', reason: 'utf8' };
  return { kind: 'line', text: line.toString('utf8') };
}

// Control characters: C0 except tab, DEL, and C1 (U+0080..U+009F, encoded as C2 80..C2 9F);
// the line and paragraph separators.
function findBadByte(line: Buffer): BadEncoding | undefined {
  for (let i = 0; i < line.length; i++) {
    const byte = line[i];
    if (byte >= 0x20 && byte < 0x7f) continue;
    if (byte === 0) return 'nul';
    if (byte < 0x20 && byte !== 0x09) return 'control';
    if (byte === 0x7f) return 'control';
    if (byte === 0xc2 && i + 1 < line.length && line[i + 1] >= 0x80 && line[i + 1] <= 0x9f) {
      return 'control';
    }
    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (E2 80 A8, E2 80 A9): line breaks
    // to some clients, so a line holding one could show as two, the second forged.
    if (byte === 0xe2 && line[i + 1] === 0x80 && (line[i + 2] === 0xa8 || line[i + 2] === 0xa9)) {
      return 'separator';
    }
  }
  return undefined;
}
