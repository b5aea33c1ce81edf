/** Plain-text tables for the terminal and for Markdown files, from one description. */

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

/** Box-drawn table for the terminal. */
export function renderTable(table: Table): string {
  const align = alignments(table);
  const cells = [table.head, ...table.rows.map((row) => row.map(String))];
  const widths = table.head.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  const pad = (text: string, i: number) =>
    align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  const line = (left: string, mid: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const out = [line('┌', '┬', '┐')];
  out.push(`│ ${table.head.map((h, i) => pad(h, i)).join(' │ ')} │`);
  out.push(line('├', '┼', '┤'));
  for (const row of table.rows) out.push(`│ ${row.map((c, i) => pad(String(c), i)).join(' │ ')} │`);
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}

/** GitHub-flavoured Markdown table. */
export function renderMarkdownTable(table: Table): string {
  const align = alignments(table);
  const out = [`| ${table.head.join(' | ')} |`];
  out.push(`| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`);
  for (const row of table.rows) out.push(`| ${row.map(String).join(' | ')} |`);
  return out.join('\n');
}
