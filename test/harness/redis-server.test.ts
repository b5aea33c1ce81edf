import { Socket } from 'node:net';
import test from 'ava';
import { redisUnavailableReason, startRedis } from '../../harness/redis-server.ts';

const unavailable = redisUnavailableReason();

async function roundTrip(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(command));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
  });
}

if (unavailable) {
  // CI installs redis-server, so there its absence is a failure; elsewhere the skip is loud.
  const inCi = process.env.CI === 'true';
  (inCi ? test : test.skip)(`real Redis harness: ${unavailable}`, (t) => {
    t.fail(`redis-server is required by the cluster and queue tests: ${unavailable}`);
  });
  if (!inCi) console.warn(`SKIPPED real Redis tests: ${unavailable}`);
} else {
  test('starts a real Redis on a free loopback port, loses its data on restart, and stops', async (t) => {
    const redis = await startRedis();
    try {
      t.regex(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
      t.is(await roundTrip(redis.port, 'SET k v\r\n'), '+OK\r\n');
      t.is(await roundTrip(redis.port, 'GET k\r\n'), '$1\r\nv\r\n');
      await redis.restart();
      t.is(await roundTrip(redis.port, 'GET k\r\n'), '$-1\r\n');
      await redis.kill();
      await t.throwsAsync(roundTrip(redis.port, 'PING\r\n'));
    } finally {
      await redis.stop();
    }
  });
}
