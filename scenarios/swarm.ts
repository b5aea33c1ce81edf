/**
 * Peers in a world: each on its own host with a share folder of seeded files, logged into one
 * room. Downloads go through `download`, which records what completed (for the byte-identity
 * and no-stray-file invariants) and every error a user saw. After healing, two live peers must
 * still move a fresh file between them (liveness of the transfer machinery: slots freed, no
 * stuck state).
 *
 * The scenario's link profile applies to the datagram path between each new peer and every
 * earlier one, the new peer as `forward` (its sends): add owners first, the requester last.
 */
import { join } from 'node:path';
import type { WorldHost } from '../harness/backend.ts';
import type { PeerStart } from '../harness/world.ts';
import { isWhohasError, WhohasError } from '../impl/errors.ts';
import type { Peer } from '../impl/peer/peer.ts';
import type {
  DownloadOptions,
  DownloadResult,
  Responder,
  TransferEnd,
  TransferInfo,
} from '../impl/peer/types.ts';
import { invariant } from './invariants.ts';
import type { ScenarioWorld } from './world.ts';

export interface PeerSpec {
  name: string;
  /** Files in the share folder before anything happens: name → contents. */
  files?: Record<string, Uint8Array>;
  options?: Partial<Omit<PeerStart, 'server' | 'folder' | 'host'>>;
  room?: string;
  password?: string;
  /** Log in and enter the room (default true). */
  enter?: boolean;
  /** The host, when not the one named like the user: a user back after a crash, renamed. */
  host?: string;
}

export interface PeerHandle {
  readonly name: string;
  readonly peer: Peer;
  readonly host: WorldHost;
  readonly folder: string;
  /** Every line the server sent this peer. */
  readonly lines: string[];
  /** Errors the peer raised as events (SERVER_GONE...). */
  readonly errors: WhohasError[];
  /** Set when the scenario expects it gone (crashed, exited). */
  retired: boolean;
}

export type Attempt =
  | { ok: true; result: DownloadResult; error?: undefined }
  | { ok: false; error: WhohasError; result?: undefined };

export const DEFAULT_ROOM = 'swarm';

export class Swarm {
  readonly peers = new Map<string, PeerHandle>();
  private probes = 0;

  constructor(readonly world: ScenarioWorld) {
    world.liveness.push(() => this.probeTransfer());
  }

  get(name: string): PeerHandle {
    const handle = this.peers.get(name);
    if (!handle) throw new WhohasError('BAD_ARGUMENT', `no peer named ${name}`);
    return handle;
  }

  async add(spec: PeerSpec): Promise<PeerHandle> {
    const { world } = this;
    const hostName = spec.host ?? spec.name;
    const host = world.host(hostName);
    // A host that ran a peer before keeps its impaired paths.
    if (spec.host === undefined) {
      for (const earlier of this.peers.values()) world.impair(spec.name, earlier.host.name);
    }
    const folder = host.dir('folder');
    await world.until(host.platform.fs.mkdir(folder));
    for (const [file, bytes] of Object.entries(spec.files ?? {})) {
      await world.seedFile(hostName, join(folder, file), bytes);
    }
    world.watchDownloads(hostName, folder);
    const peer = world.createPeer(spec.name, {
      host: hostName,
      whohasWaitMs: 200,
      // On loopback the receiver's FIN linger (3 s) is real time spent at every teardown.
      ...(world.transport === 'real' ? { transfer: { lingerMs: 300 } } : {}),
      ...spec.options,
      folder,
    });
    const handle: PeerHandle = {
      name: spec.name,
      peer,
      host,
      folder,
      lines: [],
      errors: [],
      retired: false,
    };
    peer.on('line', (line) => handle.lines.push(line));
    peer.on('error', (error) => {
      handle.errors.push(error);
      world.peerErrors.push(error);
    });
    // Transfers that started under the fault are its evidence, however late they end.
    const startedIn = new Map<string, ScenarioWorld['phase']>();
    const key = (info: TransferInfo) => `${info.direction}/${info.transferId}`;
    peer.on('transfer-start', (info) => startedIn.set(key(info), world.phase));
    peer.on('transfer-end', (end) => {
      const phase = startedIn.get(key(end)) ?? world.phase;
      world.transfers.push({ end, underFault: phase === 'fault' });
      if (end.error) world.userErrors.push(end.error);
    });
    world.transcripts.push({ label: spec.name, lines: handle.lines });
    // A peer whose host crashed after it started is gone, even once the host is back up.
    const crashedBefore = world.wasCrashed(hostName);
    world.disposers.push(async () => {
      if (crashedBefore || !world.wasCrashed(hostName)) await world.settle(peer.close());
    });
    this.peers.set(spec.name, handle);
    if (spec.enter !== false) await this.enter(handle, spec.room ?? DEFAULT_ROOM, spec.password);
    return handle;
  }

  async enter(handle: PeerHandle, room = DEFAULT_ROOM, password?: string): Promise<void> {
    await this.world.until(handle.peer.connect());
    await this.world.until(handle.peer.joinOrCreate(room, { password }));
  }

  /** Adds each owner, then the requester (so the link's `forward` is the requester's sends). */
  async addAll(specs: PeerSpec[]): Promise<PeerHandle[]> {
    const handles: PeerHandle[] = [];
    for (const spec of specs) handles.push(await this.add(spec));
    return handles;
  }

  async whohas(requester: string, file: string): Promise<Responder[]> {
    return this.world.until(this.get(requester).peer.whohas(file));
  }

  /**
   * Starts a download without driving the network (to run several at once under one
   * `world.until`). A WhohasError is an outcome (the user saw it); any other exception is a
   * crash and propagates.
   */
  async start(
    requester: string,
    from: string | readonly Responder[],
    file: string,
    options: DownloadOptions = {},
  ): Promise<Attempt> {
    const { world } = this;
    const handle = this.get(requester);
    if (options.outDir) world.watchDownloads(requester, options.outDir);
    try {
      const result = await handle.peer.getFile(from, file, options);
      const owner = this.get(result.from.user);
      const source = world.seeded.find(
        (f) => f.host === owner.host && f.path === join(owner.folder, file),
      );
      invariant(source, `${file} from ${owner.name} was never seeded, yet it was downloaded`);
      world.completed.push({ host: handle.host, path: result.path, sha256: source.sha256 });
      for (const failure of result.failures) world.userErrors.push(failure.error);
      return { ok: true, result };
    } catch (error) {
      if (!(error instanceof WhohasError)) throw error;
      if (['INVARIANT', 'BUDGET_EXCEEDED', 'DEADLOCK'].includes(error.code)) throw error;
      world.userErrors.push(error);
      return { ok: false, error };
    }
  }

  /** Runs a download to its end. */
  download(
    requester: string,
    from: string | readonly Responder[],
    file: string,
    options: DownloadOptions = {},
  ): Promise<Attempt> {
    return this.world.until(this.start(requester, from, file, options));
  }

  /** Asserts the download completed, and returns where it landed. */
  async expectDownload(
    requester: string,
    from: string | readonly Responder[],
    file: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    const attempt = await this.download(requester, from, file, options);
    invariant(
      attempt.ok,
      `${requester} could not download ${file}: ${attempt.error?.code} ${attempt.error?.message}`,
    );
    return attempt.result;
  }

  /** Asserts the download failed with one of `codes`, and returns the error. */
  async expectFailure(
    requester: string,
    from: string | readonly Responder[],
    file: string,
    codes: string[],
    options: DownloadOptions = {},
  ): Promise<WhohasError> {
    const attempt = await this.download(requester, from, file, options);
    invariant(!attempt.ok, `${requester} downloaded ${file}, expected ${codes.join(' or ')}`);
    invariant(
      codes.includes(attempt.error.code),
      `${requester}: expected ${codes.join(' or ')}, got ${attempt.error.code}: ${attempt.error.message}`,
    );
    return attempt.error;
  }

  /** After healing: a fresh file moves between the first two live peers of one room. */
  private async probeTransfer(): Promise<void> {
    const live = [...this.peers.values()].filter(
      (p) => !p.retired && !this.world.isCrashed(p.host.name) && p.peer.state === 'in-room',
    );
    const owner = live.find((p) => live.some((q) => q !== p && q.peer.room === p.peer.room));
    const requester = live.find((q) => q !== owner && q.peer.room === owner?.peer.room);
    if (!owner || !requester) return;
    const file = `liveness-${++this.probes}.bin`;
    await this.world.seedFile(owner.name, join(owner.folder, file), this.world.bytes(20_000));
    await this.expectDownload(requester.name, owner.name, file);
  }
}

export function expectCode(error: unknown, codes: string[]): void {
  invariant(
    isWhohasError(error) && codes.includes(error.code),
    `expected ${codes.join(' or ')}, got ${String(error)}`,
  );
}

/** A chat server and these peers (owners first, requester last) in one room. */
export async function buildSwarm(world: ScenarioWorld, specs: PeerSpec[]): Promise<Swarm> {
  if (world.servers.length === 0) await world.startServer();
  const swarm = new Swarm(world);
  await swarm.addAll(specs);
  return swarm;
}

/** Resolves when `handle` starts its next transfer (drive it with `world.until`). */
export function nextTransferStart(handle: PeerHandle): Promise<TransferInfo> {
  return new Promise((resolve) => handle.peer.once('transfer-start', resolve));
}

/** Resolves when `handle`'s next transfer ends, whichever way. */
export function nextTransferEnd(handle: PeerHandle): Promise<TransferEnd> {
  return new Promise((resolve) => handle.peer.once('transfer-end', resolve));
}

/**
 * bob owns `data.bin` (`bytes` random bytes) and alice will fetch it; `others` join between
 * them (peers to probe liveness with after a crash).
 */
export function ownerAndRequester(
  world: ScenarioWorld,
  bytes: number,
  { ownerOptions, others = [] }: { ownerOptions?: PeerSpec['options']; others?: string[] } = {},
): Promise<Swarm> {
  return buildSwarm(world, [
    { name: 'bob', files: { 'data.bin': world.bytes(bytes) }, options: ownerOptions },
    ...others.map((name) => ({ name })),
    { name: 'alice' },
  ]);
}

/**
 * Starts alice's download of bob's `data.bin`; resolves once bob has started sending it, with
 * the download still running (wrapped, so that awaiting this does not await the download).
 */
export async function startedDownload(
  world: ScenarioWorld,
  swarm: Swarm,
): Promise<{ download: Promise<Attempt> }> {
  const started = nextTransferStart(swarm.get('bob'));
  const download = swarm.start('alice', 'bob', 'data.bin');
  await world.until(started);
  return { download };
}
