/**
 * A real network on this machine, in network namespaces (iproute2 and nftables from Debian):
 * a public segment 203.0.113.0/24 on a bridge where the server lives, and behind it NAT routers,
 * each with its own private segment (192.0.2.0/24, 198.51.100.0/24: documentation ranges only,
 * so nothing can leave the machine) and one peer. A router masquerades (an endpoint-independent,
 * port-preserving "cone" NAT, Linux's default) or masquerades with `random` (a new port per
 * destination: a symmetric NAT). Each router drops unsolicited packets to itself in its input
 * hook: without that, conntrack keeps an entry for the stray packet and the later outgoing
 * mapping moves to another port, so hole punching fails (the note).
 *
 * Needs root (CAP_NET_ADMIN); `netnsUnavailableReason()` says why not. Everything is removed by
 * `destroy()`, also after a failed build.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * System tools by absolute path: under npm, node_modules/.bin comes first in PATH, and ava
 * brings a `nft` of its own (@vercel/nft, a file tracer) that would take nftables' place.
 */
function systemTool(name: string): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return name;
}
export const IP = systemTool('ip');
const NFT = systemTool('nft');
const SYSCTL = systemTool('sysctl');

/** `none`: the peer sits on the public segment itself (a same-LAN baseline, no router). */
export type NatKind = 'cone' | 'symmetric' | 'none';

export interface NatSite {
  /** The namespace of the peer behind this NAT. */
  peerNs: string;
  peerAddress: string;
  /** The router's address on the public segment: what the world sees of the peer. */
  publicAddress: string;
}

export interface NatNetwork {
  serverNs: string;
  serverAddress: string;
  sites: NatSite[];
  /** Runs `command args` inside `ns`, like `ip netns exec`. */
  exec(ns: string, command: string, args: string[]): ReturnType<typeof spawn>;
  destroy(): void;
}

const PRIVATE = ['192.0.2', '198.51.100'];

function ip(args: string[]): void {
  execFileSync(IP, args, { stdio: 'pipe' });
}

function inNs(ns: string, command: string, args: string[], input?: string): void {
  execFileSync(IP, ['netns', 'exec', ns, command, ...args], { stdio: 'pipe', input });
}

/** A veth pair with one end in each namespace (names short: interface names end at 15). */
function veth([nsA, nameA]: [string, string], [nsB, nameB]: [string, string]): void {
  ip(['link', 'add', nameA, 'netns', nsA, 'type', 'veth', 'peer', 'name', nameB, 'netns', nsB]);
}

/** Why namespaces with NAT cannot be built here, or undefined when they can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  for (const [tool, args] of [
    [IP, ['-V']],
    [NFT, ['--version']],
  ] as const) {
    const probe = spawnSync(tool, [...args], { encoding: 'utf8' });
    if (probe.error || !/iproute2|nftables/.test(probe.stdout)) {
      return `${tool} not found or not iproute2/nftables (apt-get install iproute2 nftables)`;
    }
  }
  const name = `wh-probe-${process.pid}`;
  const made = spawnSync(IP, ['netns', 'add', name], { encoding: 'utf8' });
  if (made.status !== 0) return `ip netns add failed: ${made.stderr.trim()}`;
  spawnSync(IP, ['netns', 'del', name]);
  return undefined;
}

/** One site per entry of `kinds` (at most two), each with one peer (behind a NAT, or not). */
export function buildNatNetwork(kinds: NatKind[]): NatNetwork {
  if (kinds.length > PRIVATE.length) throw new RangeError(`at most ${PRIVATE.length} NAT sites`);
  const tag = `wh${process.pid % 100000}`;
  const serverNs = `${tag}-pub`;
  const made: string[] = [];
  const destroy = () => {
    for (const ns of made.reverse()) spawnSync(IP, ['netns', 'del', ns]);
    made.length = 0;
  };
  try {
    ip(['netns', 'add', serverNs]);
    made.push(serverNs);
    inNs(serverNs, 'ip', ['link', 'set', 'lo', 'up']);
    inNs(serverNs, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    inNs(serverNs, 'ip', ['addr', 'add', '203.0.113.1/24', 'dev', 'br0']);
    inNs(serverNs, 'ip', ['link', 'set', 'br0', 'up']);
    const sites = kinds.map((kind, index) => buildSite(tag, serverNs, kind, index, made));
    return {
      serverNs,
      serverAddress: '203.0.113.1',
      sites,
      exec: (ns, command, args) => spawn(IP, ['netns', 'exec', ns, command, ...args]),
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

function buildSite(
  tag: string,
  serverNs: string,
  kind: NatKind,
  index: number,
  made: string[],
): NatSite {
  const routerNs = `${tag}-nat${index}`;
  const peerNs = `${tag}-peer${index}`;
  const prefix = PRIVATE[index];
  const publicAddress = `203.0.113.${10 + index}`;
  if (kind === 'none') return buildPublicHost(tag, serverNs, peerNs, index, publicAddress, made);
  for (const ns of [routerNs, peerNs]) {
    ip(['netns', 'add', ns]);
    made.push(ns);
    inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
  }
  // Router's wan side on the public bridge; its lan side to its one peer.
  veth([routerNs, `${tag}w${index}`], [serverNs, `${tag}p${index}`]);
  inNs(routerNs, 'ip', ['link', 'set', `${tag}w${index}`, 'name', 'wan']);
  inNs(serverNs, 'ip', ['link', 'set', `${tag}p${index}`, 'master', 'br0', 'up']);
  inNs(routerNs, 'ip', ['addr', 'add', `${publicAddress}/24`, 'dev', 'wan']);
  inNs(routerNs, 'ip', ['link', 'set', 'wan', 'up']);
  veth([routerNs, `${tag}l${index}`], [peerNs, `${tag}h${index}`]);
  inNs(routerNs, 'ip', ['link', 'set', `${tag}l${index}`, 'name', 'lan']);
  inNs(routerNs, 'ip', ['addr', 'add', `${prefix}.1/24`, 'dev', 'lan']);
  inNs(routerNs, 'ip', ['link', 'set', 'lan', 'up']);
  inNs(peerNs, 'ip', ['link', 'set', `${tag}h${index}`, 'name', 'eth0']);
  inNs(peerNs, 'ip', ['addr', 'add', `${prefix}.2/24`, 'dev', 'eth0']);
  inNs(peerNs, 'ip', ['link', 'set', 'eth0', 'up']);
  inNs(peerNs, 'ip', ['route', 'add', 'default', 'via', `${prefix}.1`]);
  inNs(routerNs, SYSCTL, ['-q', '-w', 'net.ipv4.ip_forward=1']);
  const masquerade = kind === 'symmetric' ? 'masquerade random' : 'masquerade';
  const rules = `
table ip nat {
  chain postrouting { type nat hook postrouting priority srcnat; oifname "wan" ${masquerade}; }
}
table ip filter {
  chain input { type filter hook input priority filter; iifname "wan" ct state new drop; }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan" oifname "wan" accept;
    iifname "wan" oifname "lan" ct state established,related accept;
  }
}
`;
  inNs(routerNs, NFT, ['-f', '-'], rules);
  return { peerNs, peerAddress: `${prefix}.2`, publicAddress };
}

/** A peer namespace straight on the public bridge, at `address`: no NAT between it and anyone. */
function buildPublicHost(
  tag: string,
  serverNs: string,
  peerNs: string,
  index: number,
  address: string,
  made: string[],
): NatSite {
  ip(['netns', 'add', peerNs]);
  made.push(peerNs);
  inNs(peerNs, 'ip', ['link', 'set', 'lo', 'up']);
  veth([peerNs, `${tag}h${index}`], [serverNs, `${tag}p${index}`]);
  inNs(serverNs, 'ip', ['link', 'set', `${tag}p${index}`, 'master', 'br0', 'up']);
  inNs(peerNs, 'ip', ['link', 'set', `${tag}h${index}`, 'name', 'eth0']);
  inNs(peerNs, 'ip', ['addr', 'add', `${address}/24`, 'dev', 'eth0']);
  inNs(peerNs, 'ip', ['link', 'set', 'eth0', 'up']);
  return { peerNs, peerAddress: address, publicAddress: address };
}
