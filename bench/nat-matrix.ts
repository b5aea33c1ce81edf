/**
 * The NAT matrix (issue "Across NATs"): every pair of simulated NAT types (sim/nat.ts, RFC 4787)
 * and none, both peers learning their reflexive address from a STUN server and punching
 * (impl/nat/punch.ts): direct or relay, and the virtual time from the first probe to the answer.
 *
 *   npx tsx bench/nat-matrix.ts [--seed 1]
 */
import { parseArgs } from 'node:util';
import { punchAcross, SITES } from '../harness/nat-world.ts';
import { isMain } from '../harness/roles.ts';
import { renderTable } from './table.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' } } });
  const seed = Number(values.seed);
  const rows: string[][] = [];
  for (const left of SITES) {
    const row: string[] = [left];
    for (const right of SITES) {
      const { outcomes } = await punchAcross(left, right, seed);
      const times = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.ms : Number.NaN));
      row.push(
        times.every(Number.isFinite) ? `direct ${Math.max(...times).toFixed(0)} ms` : 'relay',
      );
    }
    rows.push(row);
  }
  console.log(
    `seed ${seed}; rows: alice's NAT, columns: bob's; the time is the later side's first answer`,
  );
  console.log(renderTable({ head: ['alice \\ bob', ...SITES], rows }));
}

if (isMain(import.meta.url)) await main();
