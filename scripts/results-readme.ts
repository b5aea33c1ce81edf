/**
 * Regenerates results/README.md from the CSVs in results/ and their provenance sidecars. Every
 * figure in the README comes from a CSV written by a real run; nothing here is typed by hand.
 *
 *   npx tsx scripts/results-readme.ts
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NAT_MATRIX_CSV, natMatrixTable } from '../bench/nat-matrix.ts';
import { NAT_NETNS_CSV, netnsTable } from '../bench/nat-netns.ts';
import { nativeBlastTable } from '../bench/native-blast.ts';
import { nativeSendTable } from '../bench/peers-native.ts';
import { machineLine, type Provenance, readProvenance } from '../bench/provenance.ts';
import {
  baselineLine,
  FILE_BYTES,
  failureLine,
  REPORT_2016,
  reproduceChart,
  reproduceTable,
} from '../bench/reproduce.ts';
import { explanation, RFC7440_CSV, rfcChart, rfcTable } from '../bench/rfc7440.ts';
import { type Row, readRows } from '../bench/sweep/csv.ts';
import { summaryTable, sweepChart } from '../bench/sweep/report.ts';
import { renderMarkdownTable } from '../bench/table.ts';
import {
  LOSSLESS_TOLERANCE,
  LOSSY_TOLERANCE,
  lossyFindings,
  summaryLines,
  VALIDATION_CSV,
  validationTable,
} from '../bench/validate.ts';

const RESULTS = 'results';

interface Section {
  csv: string;
  title: string;
  intro: string;
  body: (rows: Row[]) => string[];
}

const code = (text: string) => ['```text', text, '```'];

const SECTIONS: Section[] = [
  {
    csv: `${RESULTS}/native-blast.csv`,
    title: 'Batched sends: the UDP blast with sendmmsg and GSO',
    intro:
      'A raw UDP blast on loopback (2048-byte datagrams, a counting receiver process), sent with node:dgram and with the native addon (`native/udp_batch.cc`): sendmmsg in batches of 16 and 64, UDP GSO with 16 and 64 segments. Medians over interleaved rounds; the load average of each round is in the CSV.',
    body: (rows) => [renderMarkdownTable(nativeBlastTable(rows))],
  },
  {
    csv: `${RESULTS}/native-send.csv`,
    title: 'whohas on each send path: node:dgram, sendmmsg, GSO',
    intro:
      'whohas transfers (21.76 MB, warm) on node:dgram alone, with sendmmsg and with UDP GSO (`WHOHAS_NATIVE=0|sendmmsg|gso`), beside atftp and the raw blast in the same rounds (`bench/peers.ts --native`). Medians over rounds; ratios within each round.',
    body: (rows) => [renderMarkdownTable(nativeSendTable(rows))],
  },
  {
    csv: `${RESULTS}/reproduce-2016.csv`,
    title: 'The 2016 report, reproduced',
    intro:
      `The report moved a ${FILE_BYTES / 1e6} MB file at ${REPORT_2016.map((entry) => `${(entry.bytesPerSecond / 1e6).toFixed(2)} MB/s (N = ${entry.window})`).join(' and ')}. ` +
      "The same experiment through the whole whohas stack (chat server, two peers, whohas + getfile, Go-Back-N), on real loopback UDP (wall clock, sender and receiver in separate processes) and on the simulator's lan profile (virtual time, beside the model).",
    body: (rows) => [
      renderMarkdownTable(reproduceTable(rows)),
      '',
      baselineLine(rows),
      '',
      failureLine(rows),
      '',
      ...code(reproduceChart(rows)),
    ],
  },
  {
    csv: 'results/sweep-default.csv',
    title: 'The default simulated sweep',
    intro:
      'Window 1 to 256 in powers of two × loss 0, 1 %, 5 % × 3 seeds, a 21.76 MB file, the lan profile (1 Gbit/s, 0.1 ms, 512 KiB drop-tail queue), the Go-Back-N defaults (the congestion and fast_retransmit columns say which). Means over the seeds; "model" is bench/model.ts (fixed window, timeout-only recovery) with the RTO the sender reported.',
    body: (rows) => [
      renderMarkdownTable(summaryTable(rows)),
      '',
      ...code(sweepChart(rows, { title: 'Mean throughput vs window (lan)' })),
      '',
      ...defaultSweepFindings(rows),
    ],
  },
  {
    csv: VALIDATION_CSV,
    title: 'Model validation',
    intro: `The simulator (real peer code) against bench/model.ts on impairment-free paths: the textbook sender the model describes (fixed window, no congestion control, timeout-only recovery), an ACK for every packet, a fixed RTO per path (what the sender really waits after a loss, no backoff), no jitter, unlimited queue. Targets: lossless within ${LOSSLESS_TOLERANCE * 100} %, lossy (mean of 6 seeds) within ${LOSSY_TOLERANCE * 100} %.`,
    body: (rows) => [
      ...summaryLines(rows).map((line) => `- ${line}`),
      '',
      ...lossyFindings(rows),
      '',
      '### Lossless',
      '',
      renderMarkdownTable(validationTable(rows, false)),
      '',
      '### i.i.d. loss',
      '',
      renderMarkdownTable(validationTable(rows, true)),
    ],
  },
  {
    csv: RFC7440_CSV,
    title: 'RFC 7440 beside us',
    intro:
      'RFC 7440 (TFTP windowsize) measured 180 MB over Gigabit Ethernet in 1456-byte blocks. The same transfer through whohas on the simulated 1 Gbit/s LAN (1456-byte blocks + 16-byte header = 1500-byte IP packets).',
    body: (rows) => [
      renderMarkdownTable(rfcTable(rows)),
      '',
      ...code(rfcChart(rows)),
      '',
      ...explanation(rows),
    ],
  },
  {
    csv: NAT_MATRIX_CSV,
    title: 'Across NATs: the 5 × 5 matrix',
    intro:
      "Whole peers on the simulator (lan profile, virtual time): bob, behind one NAT type or none, downloads a file from alice, behind another, with NAT traversal on (STUN at login, candidates in getfile, hole punching, the server's relay when punching fails). Each cell: how the transfer went and the time from the request to bob's first file datagram. Only a symmetric NAT facing a port-restricted or symmetric one needs the relay (3 s of punching first).",
    body: (rows) => {
      const all = rows as Array<Record<string, string | number>>;
      const legacy = all.find((row) => row.route === 'legacy');
      return [
        renderMarkdownTable(natMatrixTable(all)),
        '',
        legacy
          ? `Beside it in the same run, none ↔ none with NAT traversal off (the 2016 way): first byte after ${Number(legacy.ttfb_ms).toFixed(1)} ms.`
          : '',
      ];
    },
  },
  {
    csv: NAT_NETNS_CSV,
    title: 'Across real NATs',
    intro:
      "`whohas get` between two `whohas` processes in network namespaces (iproute2, nftables): both on the public segment (same-lan), each behind its own cone NAT (masquerade: punched, direct), each behind a symmetric NAT (masquerade random: through the server's relay, at its default cap and raised). Download MB/s is the file over the whole download (punching and requests included); data path MB/s is the owner's upload rate per request, punching left out (the relay's token bucket holds one second of its cap, so a request of a few MB after a 3 s punch passes above the cap). A download asks in runs of 1, 2, 4, ... chunks; only its first request to an owner punches (3 s) before the relay takes over: the requester remembers the relayed route for 5 minutes and asks the relay at once for the later runs, and the owner takes the relay as soon as the grant comes (before, every request punched for 3 s: 2.1 MB/s at either cap, 2026-11-29T05:15). The 3 s punch is most of the rest of a relayed 50 MB download's time. Ratios are to same-lan in the same round.",
    body: (rows) => [renderMarkdownTable(netnsTable(rows as Record<string, string | number>[]))],
  },
];

/** What the default sweep shows beyond the table, each figure read from its rows. */
function defaultSweepFindings(rows: Row[]): string[] {
  const mean = (selected: Row[], column: keyof Row) =>
    selected.reduce((sum, row) => sum + Number(row[column]), 0) / Math.max(1, selected.length);
  const at = (window: string, loss: string) =>
    rows.filter((row) => row.window === window && row.loss === loss && row.status === 'ok');
  const lines: string[] = [];
  const big = at('256', '0');
  const best = at('128', '0');
  if (big.length > 0 && best.length > 0 && mean(big, 'retransmits') > 0) {
    const collapsed = mean(big, 'throughput_Bps') < 0.5 * mean(best, 'throughput_Bps');
    lines.push(
      `- Lossless, N = 256 retransmits ${mean(big, 'retransmits').toFixed(0)} packets (${mean(big, 'timeouts').toFixed(0)} timeouts) and moves ${(mean(big, 'throughput_Bps') / 1e6).toFixed(2)} MB/s against ${(mean(best, 'throughput_Bps') / 1e6).toFixed(1)} MB/s at N = 128: 256 × 2076 wire bytes overflow the lan profile's 512 KiB drop-tail queue, so the tail of a full window is dropped. ` +
        (collapsed
          ? 'Each drop costs a timeout and the throughput collapses.'
          : 'The sender recovers from those drops and stays near the link rate.') +
        ' The model assumes an unlimited queue: there the model, not the simulator, is wrong.',
    );
  }
  const lossyRows = rows.filter((row) => row.loss !== '0' && row.status === 'ok');
  const modes = [
    ...new Set(
      rows.map((row) => `congestion ${row.congestion}, fast retransmit ${row.fast_retransmit}`),
    ),
  ];
  if (
    lossyRows.length > 0 &&
    modes.some((mode) => mode !== 'congestion none, fast retransmit off')
  ) {
    const ratios = lossyRows.map((row) => Number(row.over_model));
    lines.push(
      `- These rows ran with ${modes.join('; ')}. The model describes a fixed window that recovers by timeout only, so with loss it is a reference, not a prediction: the sender reaches ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}× of it. The validation below compares like with like (congestion none, fast retransmit off, fixed RTO).`,
    );
  }
  return lines;
}

/** A bench's own CSV, every column as written (at most 60 rows: the file has the rest). */
function plainTable(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const head = Object.keys(rows[0]);
  const shown = rows
    .slice(0, 60)
    .map((row) => head.map((key) => String((row as Record<string, unknown>)[key] ?? '')));
  const more = rows.length > 60 ? `\n\n(${rows.length - 60} more rows in the CSV)` : '';
  return renderMarkdownTable({ head, rows: shown }) + more;
}

function provenanceLines(csv: string, provenance: Provenance | undefined): string[] {
  if (!provenance) return [`Made by: (no ${csv.replace(/\.csv$/, '.json')} sidecar)`];
  return [
    `- Command: \`${provenance.command}\``,
    `- Ran on: ${machineLine(provenance.machine)}; finished ${provenance.finished}, ${provenance.wallSeconds.toFixed(1)} s wall`,
    `- Data: [\`${csv.replace(`${RESULTS}/`, '')}\`](${csv.replace(`${RESULTS}/`, '')})`,
  ];
}

async function section(csv: string, title: string, intro: string, body: (rows: Row[]) => string[]) {
  const rows = readRows(await readFile(csv, 'utf8'));
  return [
    `## ${title}`,
    '',
    intro,
    '',
    ...provenanceLines(csv, await readProvenance(csv)),
    '',
    ...body(rows),
    '',
  ];
}

async function main(): Promise<void> {
  const present = new Set(
    (await readdir(RESULTS))
      .filter((file) => file.endsWith('.csv'))
      .map((file) => join(RESULTS, file)),
  );
  const out = [
    '# whohas results',
    '',
    'Generated by `npx tsx scripts/results-readme.ts` from the CSVs in this folder; every figure comes from a real run of the command shown with it. Do not edit by hand: rerun the command, then this script.',
    '',
  ];
  for (const s of SECTIONS) {
    if (!present.has(s.csv)) continue;
    present.delete(s.csv);
    out.push(...(await section(s.csv, s.title, s.intro, s.body)));
  }
  // Any other sweep written into results/ gets the generic summary and chart; any other table
  // (a bench's own columns) is shown as it is.
  for (const csv of [...present].sort()) {
    const sweep = (await readFile(csv, 'utf8'))
      .split('\n', 1)[0]
      .split(',')
      .includes('throughput_Bps');
    out.push(
      ...(await section(
        csv,
        csv.replace(`${RESULTS}/`, ''),
        sweep ? 'A sweep (`whohas sweep --out`).' : 'Rows as the command wrote them.',
        (rows) =>
          sweep
            ? [
                renderMarkdownTable(summaryTable(rows)),
                '',
                ...code(sweepChart(rows, { title: 'Mean throughput' })),
              ]
            : [plainTable(rows)],
      )),
    );
  }
  out.push(
    '## Micro-benchmarks',
    '',
    "Not stored here (they vary from run to run); `npm run bench` prints them: Go-Back-N datagram codec, chat line framing and routing, the simulator's event queue.",
    '',
  );
  await writeFile(join(RESULTS, 'README.md'), out.join('\n'));
  console.log(`wrote ${join(RESULTS, 'README.md')}`);
}

await main();
