/**
 * `whohas server --tls [--cert F --key F] [--state DIR]` (docs/PROTOCOL.md, "TLS on the chat
 * line"): serve the chat over TLS with the given certificate, or with a self-signed one made on
 * first start by the `selfsigned` library and kept in the server's state folder (key mode 0600),
 * so its fingerprint, which peers pin, stays the same across restarts.
 */
import type { Command } from 'commander';

export interface TlsFlags {
  tls?: boolean;
  cert?: string;
  key?: string;
  state: string;
}

export const DEFAULT_STATE_DIR = '.whohas-server';

export function addTlsFlags(command: Command): Command {
  return command
    .option('--tls', 'serve over TLS (plain TCP otherwise, as netcat expects)')
    .option('--cert <FILE>', 'TLS certificate, PEM (default: self-signed, made on first start)')
    .option('--key <FILE>', 'its private key, PEM')
    .option('--state <DIR>', 'where the server keeps its certificate', DEFAULT_STATE_DIR);
}
