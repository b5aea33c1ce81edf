import { InvalidArgumentError } from 'commander';
import { DEFAULT_PORT } from '../impl/chat/listen-defaults.ts';

/** `host:port` as people and the `--server` flag write it: an IPv6 host in brackets, `[::1]:5000`. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address. */
export function parseServer(text: string): { address: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1], port: portOf(bracketed[2]) };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [address, port] = text.split(':');
    return { address, port: portOf(port) };
  }
  return { address: text, port: DEFAULT_PORT };
}

export function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`bad port ${text}`);
  }
  return port;
}
