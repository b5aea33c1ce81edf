/** Plain-text tables for the terminal and for Markdown files, from one description. */
import CliTable from 'cli-table3';

export interface Table {
  head: string[];
  rows: (string | number)[][];
  /** Per column: 'l' or 'r' (default: numbers right, text left). */
  align?: ('l' | 'r')[];
}

function alignments(table: Table): ('l' | 'r')[] {
  return table.head.map(
    (_, i) =>
      table.align?.[i] ?? (table.rows.every((row) => typeof row[i] === 'number') ? 'r' : 'l'),
  );
}

/** Box-drawn table for the terminal (cli-table3: widths by display width, no colour). */
export function renderTable(table: Table): string {
  const out = new CliTable({
    head: table.head,
    colAligns: alignments(table).map((a) => (a === 'r' ? 'right' : 'left')),
    style: { head: [], border: [], compact: true },
  });
  out.push(...table.rows.map((row) => row.map(String)));
  return out.toString();
}

/** GitHub-flavoured Markdown table. */
export function renderMarkdownTable(table: Table): string {
  const align = alignments(table);
  const out = [`| ${table.head.join(' | ')} |`];
  out.push(`| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`);
  for (const row of table.rows) out.push(`| ${row.map(String).join(' | ')} |`);
  return out.join('\n');
}
