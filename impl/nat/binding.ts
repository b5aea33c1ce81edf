/**
 * Both ends of a STUN Binding exchange on a datagram socket. The responder (beside the chat
 * server's TCP port) answers every Binding request with the address and port it came from; the
 * client asks one server, retrying with doubling timeouts (RFC 8489 §6.2.1, fewer tries: a peer
 * without a reflexive address still works on its LAN), and learns how the world sees its socket.
 * Other datagrams on the socket are left alone: the client shares the socket a transfer uses.
 */
import { WhohasError } from '../errors.ts';
import type { Clock, DatagramSocket, Random, RemoteInfo, TimerHandle } from '../platform/types.ts';
import {
  BINDING_REQUEST,
  BINDING_SUCCESS,
  decodeStun,
  encodeBindingRequest,
  encodeBindingSuccess,
  looksLikeStun,
} from './stun.ts';

export interface BindingResponderStats {
  requests: number;
  answered: number;
  /** Datagrams that were not a well-formed Binding request: dropped without an answer. */
  ignored: number;
}

export class BindingResponder {
  readonly stats: BindingResponderStats = { requests: 0, answered: 0, ignored: 0 };
  readonly #socket: DatagramSocket;
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.#answer(msg, rinfo);

  constructor(socket: DatagramSocket) {
    this.#socket = socket;
    socket.on('message', this.#onMessage);
  }

  stop(): void {
    this.#socket.off('message', this.#onMessage);
  }

  #answer(msg: Buffer, rinfo: RemoteInfo): void {
    const decoded = decodeStun(msg);
    if (!decoded.ok || decoded.message.type !== BINDING_REQUEST) {
      this.stats.ignored++;
      return;
    }
    this.stats.requests++;
    const answer = encodeBindingSuccess(decoded.message, rinfo);
    // A send failure (the client's address unreachable) costs only that answer.
    this.#socket.send(answer, rinfo.port, rinfo.address, () => {});
    this.stats.answered++;
  }
}

export interface Reflexive {
  address: string;
  port: number;
  /** Milliseconds from the first request to the answer. */
  rttMs: number;
}

export interface DiscoverOptions {
  /** Requests sent at most; default 4 (250, 500, 1000, 2000 ms: ~3.75 s in all). */
  attempts?: number;
  firstTimeoutMs?: number;
}

/** Asks `server` how it sees `socket`; rejects with STUN_TIMEOUT after the last attempt. */
export function discoverReflexive(
  socket: DatagramSocket,
  server: { address: string; port: number },
  platform: { clock: Clock; random: Random },
  options: DiscoverOptions = {},
): Promise<Reflexive> {
  const attempts = options.attempts ?? 4;
  const { clock } = platform;
  const transactionId = platform.random.bytes(12);
  const request = encodeBindingRequest(transactionId);
  const started = clock.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let timeoutMs = options.firstTimeoutMs ?? 250;
    let timer: TimerHandle | undefined;
    const finish = () => {
      clock.clearTimeout(timer);
      socket.off('message', onMessage);
    };
    const onMessage = (msg: Buffer, rinfo: RemoteInfo) => {
      if (rinfo.address !== server.address || rinfo.port !== server.port) return;
      if (!looksLikeStun(msg)) return;
      const decoded = decodeStun(msg);
      if (!decoded.ok || decoded.message.type !== BINDING_SUCCESS) return;
      if (!decoded.message.transactionId.equals(transactionId) || !decoded.message.mapped) return;
      finish();
      resolve({ ...decoded.message.mapped, rttMs: clock.now() - started });
    };
    const attempt = () => {
      if (sent === attempts) {
        finish();
        reject(
          new WhohasError(
            'STUN_TIMEOUT',
            `no STUN answer from ${server.address}:${server.port} after ${attempts} requests`,
          ),
        );
        return;
      }
      sent++;
      socket.send(request, server.port, server.address, () => {});
      timer = clock.setTimeout(attempt, timeoutMs);
      timeoutMs *= 2;
    };
    socket.on('message', onMessage);
    attempt();
  });
}
