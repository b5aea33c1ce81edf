/** `host:port` as people and the `--server` flag write it: an IPv6 host in brackets, `[::1]:5000`. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
