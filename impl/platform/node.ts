/**
 * The real Platform: node:net, node:dgram, node:fs/promises, the process clock and crypto
 * randomness. A thin adapter: names, events and error codes are Node's own. Every call returns
 * an independent object; nothing is shared between platforms.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createNodeDgram } from './node-dgram.ts';
import { createNodeFileSystem } from './node-fs.ts';
import { createNodeNet } from './node-net.ts';
import { createNodeTls } from './node-tls.ts';
import type { Clock, Platform, Random, TimerHandle } from './types.ts';

export function createNodePlatform(): Platform {
  return {
    kind: 'node',
    net: createNodeNet(),
    tls: createNodeTls(),
    dgram: createNodeDgram(),
    clock: createNodeClock(),
    fs: createNodeFileSystem(),
    random: createNodeRandom(),
  };
}

function createNodeClock(): Clock {
  return {
    now: () => performance.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms) as unknown as TimerHandle,
    clearTimeout(handle) {
      if (handle !== undefined) clearTimeout(handle as unknown as NodeJS.Timeout);
    },
    defer(callback) {
      setImmediate(callback);
    },
  };
}

function createNodeRandom(): Random {
  return {
    // 48 random bits over 2^48: uniform in [0, 1), fine-grained enough for any probability.
    next: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
    int: (min, max) => randomInt(min, max + 1),
    bytes: (length) => randomBytes(length),
  };
}
