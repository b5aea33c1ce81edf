/**
 * The path of one transfer across NATs (docs/PROTOCOL.md, "NAT traversal"), for both sides: STUN
 * the transfer socket (its own mapping: a symmetric NAT maps each socket apart), offer the
 * candidates, punch toward the other side's, and when punching fails within `punchMs` fall back
 * to the server's relay (the requester asks for it, both bind). The driver runs over `channel`,
 * which keeps probes, STUN and relay bytes from it; closing the channel ends the punch's
 * keepalives and the relay with the transfer. A relay that refuses the transfer after binding
 * (its quota used up) stops it on each side with RELAY_REFUSED (`onRelayRefused`).
 */
import { WhohasError } from '../errors.ts';
import { discoverReflexive } from '../nat/binding.ts';
import { endpointText } from '../nat/candidates.ts';
import { TransferChannel } from '../nat/channel.ts';
import { type Candidate, HolePunch, type PunchStats } from '../nat/punch.ts';
import { RelaySocket } from '../nat/relay-socket.ts';
import type { AddressInfo, DatagramSocket, Platform } from '../platform/types.ts';
import { asWhohasError } from './download-progress.ts';
import { type PeerNat, RELAY_ANSWER_MS } from './nat-link.ts';

/** The pair a transfer ran over: "address:port" strings (IPv6 in brackets). */
export interface TransferPair {
  local: string;
  remote: string;
  kind: 'host' | 'reflexive' | 'peer-reflexive' | 'relay';
}

/** What a NAT-traversing transfer reports in its TransferEnd and DownloadResult. */
export interface NatReport {
  route: 'direct' | 'relay';
  pair?: TransferPair;
  nat: PunchStats & { filtered: number; passed: number };
}

/** STUN retries on the transfer socket: the login STUN proved the server answers (0.7 s in all). */
const TRANSFER_STUN = { attempts: 3, firstTimeoutMs: 100 };
/** How long an owner whose punch failed waits, beyond `punchMs`, for the RELAY line. */
const OWNER_RELAY_EXTRA_MS = 5_000;

type Endpoint = { address: string; port: number };

export class NatPath {
  readonly channel: TransferChannel;
  readonly candidates: Candidate[];
  /** The probe token: drawn by the requester, taken from `punch=` by the owner. */
  readonly token: Buffer;
  readonly #nat: PeerNat;
  readonly #platform: Platform;
  readonly #local: string;
  #punch: HolePunch | undefined;
  #relay: RelaySocket | undefined;
  #cancelWait: ((error: WhohasError) => void) | undefined;
  #pair: TransferPair | undefined;
  #closed = false;
  #refusal: WhohasError | undefined;
  #onRefused: ((error: WhohasError) => void) | undefined;
  #role: 'requester' | 'owner' | undefined;
  #other = '';
  /** The route memo sent this transfer to the relay without punching. */
  #relayFirst = false;
  #punchFailed = false;

  private constructor(
    nat: PeerNat,
    platform: Platform,
    channel: TransferChannel,
    candidates: Candidate[],
    token: Buffer,
  ) {
    this.#nat = nat;
    this.#platform = platform;
    this.channel = channel;
    this.candidates = candidates;
    this.token = token;
    this.#local = endpointText(candidates[0].address, candidates[0].port);
    channel.onClose(() => this.close());
  }

  /** The path of a transfer on `raw` (bound at `bound`), or undefined when NAT traversal is off. */
  static async open(
    nat: PeerNat | undefined,
    platform: Platform,
    raw: DatagramSocket,
    bound: AddressInfo,
    token?: Buffer,
  ): Promise<NatPath | undefined> {
    await nat?.loggedIn();
    const server = nat?.active ? nat.server() : undefined;
    if (nat === undefined || server === undefined) return undefined;
    const channel = new TransferChannel(raw, server);
    const candidates: Candidate[] = [{ kind: 'host', address: bound.address, port: bound.port }];
    const mapped = await discoverReflexive(raw, server, platform, TRANSFER_STUN).catch(() => null);
    if (mapped && (mapped.address !== bound.address || mapped.port !== bound.port)) {
      candidates.push({ kind: 'reflexive', address: mapped.address, port: mapped.port });
    }
    return new NatPath(nat, platform, channel, candidates, token ?? platform.random.bytes(8));
  }

  /**
   * Punches toward `remote` (the other side's candidates) and resolves with where the transfer's
   * datagrams go: the punched pair, or the relay. `onPeer` hears of the other side's address as
   * soon as a datagram with the right token comes from it (the owner's START may overtake our
   * own answer), and again when the relay takes over. NAT_TRAVERSAL_FAILED or RELAY_REFUSED
   * when neither works.
   */
  async connect(
    role: 'requester' | 'owner',
    other: string,
    transferId: number,
    remote: readonly Candidate[],
    onPeer: (address: string, port: number) => void = () => {},
  ): Promise<Endpoint> {
    const { punchMs, relay } = this.#nat.settings;
    this.#role = role;
    this.#other = other;
    // The owner listens for the RELAY line from the start: the requester may give up first.
    const wait =
      role === 'owner' && relay
        ? this.#nat.waitRelay('owner', other, transferId, 2 * punchMs + OWNER_RELAY_EXTRA_MS)
        : undefined;
    this.#cancelWait = wait?.cancel;
    // Punching to this owner failed lately and the relay carried it: straight to the relay.
    this.#relayFirst = role === 'requester' && relay && this.#nat.relayFirst(other);
    if (!this.#relayFirst) {
      const punched = await this.#punchFirst(role, remote, transferId, wait, onPeer);
      if (punched) return punched;
    }
    let grant: Promise<{ token: Buffer; port: number }>;
    if (wait) grant = wait.grant;
    else {
      const asked = this.#nat.waitRelay('requester', other, transferId, RELAY_ANSWER_MS);
      this.#cancelWait = asked.cancel;
      if (!this.#nat.askRelay(transferId, other)) {
        throw new WhohasError('SERVER_GONE', 'the server connection is gone');
      }
      grant = asked.grant;
    }
    const { token, port } = await grant;
    const address = this.#nat.session.remoteAddress ?? this.#nat.server()!.address;
    const server = { address, port };
    const side = role === 'requester' ? 0 : 1;
    this.#relay = new RelaySocket(this.channel.raw, { server, transferId, token, side });
    await this.#relay.bindRelay(this.#platform.clock);
    this.#relay.onRefused((error) => {
      this.#refusal ??= error;
      this.#onRefused?.(error);
    });
    this.channel.via(this.#relay);
    this.#pair = { local: this.#local, remote: endpointText(address, port), kind: 'relay' };
    onPeer(address, port);
    return server;
  }

  /**
   * Punches for up to `punchMs`: the punched pair, or undefined when the relay should carry the
   * transfer. The owner's punch races the RELAY line (`wait`): a grant that comes first ends the
   * punch at once (the requester gave up punching, or skipped it: its route memo).
   */
  async #punchFirst(
    role: 'requester' | 'owner',
    remote: readonly Candidate[],
    transferId: number,
    wait: { grant: Promise<unknown>; cancel: (error: WhohasError) => void } | undefined,
    onPeer: (address: string, port: number) => void,
  ): Promise<Endpoint | undefined> {
    let heard: Endpoint | undefined;
    let granted = false;
    const punch = new HolePunch(this.channel.raw, remote, this.#platform, {
      transferId,
      token: this.token,
      timeoutMs: this.#nat.settings.punchMs,
      onVerified: (address, port) => {
        if (heard) return;
        heard = { address, port };
        // Until our own answer comes (a short transfer may end first), this is the pair.
        const kind = remote.find((c) => c.address === address && c.port === port)?.kind;
        const remoteText = endpointText(address, port);
        this.#pair = { local: this.#local, remote: remoteText, kind: kind ?? 'peer-reflexive' };
        onPeer(address, port);
      },
    });
    this.#punch = punch;
    wait?.grant.then(
      () => {
        granted = true;
        punch.close();
      },
      () => {},
    );
    try {
      const punched = await punch.done;
      const remoteText = endpointText(punched.address, punched.port);
      this.#pair = { local: this.#local, remote: remoteText, kind: punched.kind };
      wait?.cancel(new WhohasError('TRANSFER_ABORTED', 'punched'));
      return punched;
    } catch (error) {
      if (this.#closed) throw error;
      if (granted) return undefined;
      // The owner's datagrams already flow to us (it sends only once its punch worked): switching
      // to the relay now would only break a running transfer.
      if (heard && role === 'requester' && this.channel.stats.passed > 0) return heard;
      if (!this.#nat.settings.relay) throw error;
      this.#punchFailed = true;
      return undefined;
    }
  }

  /** The requester's side, once the owner's `sending` named its candidates: punch, then lock on. */
  follow(
    transfer: { user: string; transferId: number },
    remote: readonly Candidate[],
    receiver: { lockPeerPort(port: number, address: string): void },
    stop: (error: WhohasError) => void,
  ): void {
    const lock = (address: string, port: number) => receiver.lockPeerPort(port, address);
    this.onRelayRefused(stop);
    this.connect('requester', transfer.user, transfer.transferId, remote, lock).catch(
      (error: unknown) => stop(asWhohasError(error)),
    );
  }

  /** The relay refused the transfer after binding (RELAY_REFUSED): `stop` ends it, once. */
  onRelayRefused(stop: (error: WhohasError) => void): void {
    this.#onRefused = stop;
    if (this.#refusal) stop(this.#refusal);
  }

  report(): NatReport {
    const stats = this.#punch?.stats ?? {
      probesSent: 0,
      probesAnswered: 0,
      answersReceived: 0,
      strangers: 0,
    };
    return {
      route: this.#pair?.kind === 'relay' ? 'relay' : 'direct',
      ...(this.#pair ? { pair: this.#pair } : {}),
      nat: { ...stats, filtered: this.channel.stats.filtered, passed: this.channel.stats.passed },
    };
  }

  /**
   * The transfer ended (`error`: it failed): its report. A requester's transfer the relay carried
   * after punching failed starts the route memo for its owner; a relayed one that failed ends it.
   */
  ended(error?: WhohasError): NatReport {
    const report = this.report();
    if (this.#role === 'requester' && report.route === 'relay') {
      if (error) this.#nat.forgetRelay(this.#other);
      else if (this.#punchFailed) this.#nat.rememberRelay(this.#other);
    } else if (this.#role === 'requester' && error && this.#relayFirst) {
      this.#nat.forgetRelay(this.#other); // the relay never came: punch next time
    }
    return report;
  }

  /** The transfer ended or was cancelled: no more probes, no more waiting for a relay. */
  close(error = new WhohasError('TRANSFER_ABORTED', 'the transfer ended')): void {
    this.#closed = true;
    this.#punch?.close();
    this.#cancelWait?.(error);
  }
}
