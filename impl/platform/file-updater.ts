/** An existing file written in place (a chunked download's data file, docs/PROTOCOL.md "Resume"). */
export interface FileUpdater {
  /** Writes all of `data` at `position`; a file ending before grows (a gap reads as zeros). */
  write(position: number, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
