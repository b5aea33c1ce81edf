import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Simulator } from '../../sim/index.ts';

const SEED = 5;

/** One datagram each way and a short stream conversation, captured. */
async function capturedWorld() {
  const sim = new Simulator({ seed: SEED, capture: true, trace: true });
  const a = sim.addHost('a');
  const b = sim.addHost('b');
  const left = a.platform.dgram.createSocket();
  const right = b.platform.dgram.createSocket();
  await sim.until(Promise.all([left.bind(4000), right.bind(4001)]));
  right.on('message', (message, rinfo) => right.send(message, rinfo.port, rinfo.address));
  left.send(Buffer.from('ping'), 4001, b.address);
  const server = b.platform.net.createServer();
  server.on('connection', (socket) => socket.on('data', (chunk) => socket.write(chunk)));
  await sim.until(server.listen(7000));
  const client = await sim.until(a.platform.net.connect(7000, b.address));
  client.write('hello\n');
  client.end();
  await sim.run();
  return { sim, pcap: sim.pcap() };
}

interface PcapRecord {
  includedLength: number;
  originalLength: number;
  ipTotalLength: number;
  protocol: number;
  transportLength: number;
}

/** Parses the classic pcap header and raw-IPv4 records, checking every length on the way. */
function parsePcap(bytes: Buffer): { linkType: number; records: PcapRecord[] } {
  if (bytes.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('bad magic');
  const linkType = bytes.readUInt32LE(20);
  const records: PcapRecord[] = [];
  let offset = 24;
  while (offset < bytes.length) {
    const includedLength = bytes.readUInt32LE(offset + 8);
    const originalLength = bytes.readUInt32LE(offset + 12);
    const ip = bytes.subarray(offset + 16, offset + 16 + includedLength);
    const protocol = ip[9];
    const transportLength = protocol === 17 ? ip.readUInt16BE(24) : ip.length - 20;
    records.push({
      includedLength,
      originalLength,
      ipTotalLength: ip.readUInt16BE(2),
      protocol,
      transportLength,
    });
    offset += 16 + includedLength;
  }
  if (offset !== bytes.length) throw new Error('trailing bytes');
  return { linkType, records };
}

test(`pcap: structure and lengths are right, one record per sent packet (seed ${SEED})`, async (t) => {
  const { sim, pcap } = await capturedWorld();
  const { linkType, records } = parsePcap(pcap);
  t.is(linkType, 101);
  t.is(records.length, sim.trace.counters.sent);
  const sentSizes = (sim.trace.records ?? [])
    .filter((record) => record.event === 'sent')
    .map((record) => record.size);
  t.deepEqual(
    records.map((record) => record.ipTotalLength),
    sentSizes,
  );
  for (const record of records) {
    t.is(record.includedLength, record.originalLength);
    t.is(record.ipTotalLength, record.includedLength);
    if (record.protocol === 17) t.is(record.transportLength, record.ipTotalLength - 20);
  }
  t.deepEqual([...new Set(records.map((record) => record.protocol))].sort(), [17, 6].sort());
});

// Without tshark this test is skipped, and says why; .ci/run installs it from Debian.
const hasTshark = spawnSync('tshark', ['--version']).status === 0;
if (!hasTshark) console.warn('pcap test skipped: tshark is not installed (apt-get install tshark)');

(hasTshark ? test : test.skip)(
  `pcap: tshark opens it and sees the UDP and TCP traffic (seed ${SEED})`,
  async (t) => {
    const { pcap } = await capturedWorld();
    const dir = mkdtempSync(join(tmpdir(), 'whohas-pcap-'));
    try {
      const file = join(dir, 'sim.pcap');
      writeFileSync(file, pcap);
      const fields = execFileSync(
        'tshark',
        ['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', '_ws.col.Protocol'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const lines = fields.trim().split('\n');
      t.is(lines.length, parsePcap(pcap).records.length);
      t.true(lines.some((line) => line.startsWith('10.0.0.1\t10.0.0.2\tUDP')));
      t.true(lines.some((line) => line.startsWith('10.0.0.2\t10.0.0.1\tTCP')));
      t.false(/malformed/i.test(fields), fields);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('pcap() without capture enabled is a clear error', (t) => {
  t.throws(() => new Simulator().pcap(), { message: /capture: true/ });
});
