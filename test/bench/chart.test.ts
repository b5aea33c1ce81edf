import test from 'ava';
import { renderChart } from '../../bench/sweep/chart.ts';
import { renderMarkdownTable, renderTable } from '../../bench/table.ts';

const chart = () =>
  renderChart({
    title: 'Throughput',
    xLabel: 'window N',
    yLabel: 'MB/s',
    series: [
      { label: 'loss 0 %', points: [1, 2, 4, 8].map((x) => ({ x, y: 10 * x })) },
      { label: 'loss 5 %', points: [1, 2, 4].map((x) => ({ x, y: 5 })) },
    ],
  });

test('a chart has its title, axis labels, every x tick and a legend', (t) => {
  const lines = chart().split('\n');
  t.is(lines[0], 'Throughput');
  t.is(lines[1].trim(), 'MB/s');
  const ticks = lines.find((line) => line.includes('└'))!;
  t.is([...ticks].filter((c) => c === '┬').length, 3);
  t.regex(lines[lines.indexOf(ticks) + 1], /^\s+1\s+2\s+4\s+8$/);
  t.true(lines.some((line) => line.trim() === 'window N'));
  t.regex(lines.at(-1)!, /● loss 0 %\s+■ loss 5 %/);
});

test('each series is marked at its measured points and drawn only over its own x range', (t) => {
  const lines = chart().split('\n');
  const plot = lines.slice(
    2,
    lines.findIndex((line) => line.includes('└')),
  );
  t.is(plot.join('').split('●').length - 1, 4);
  t.is(plot.join('').split('■').length - 1, 3);
  // loss 5 % stops at x = 4: nothing of it to the right of its last mark.
  const row = plot.find((line) => line.includes('■'))!;
  t.is(row.slice(row.lastIndexOf('■') + 1).trim(), '');
});

test('tables align numbers right and text left, in both renderings', (t) => {
  const table = {
    head: ['name', 'n'],
    rows: [
      ['a', 1],
      ['bb', 22],
    ],
  };
  t.is(
    renderTable(table),
    [
      '┌──────┬────┐',
      '│ name │  n │',
      '├──────┼────┤',
      '│ a    │  1 │',
      '│ bb   │ 22 │',
      '└──────┴────┘',
    ].join('\n'),
  );
  t.is(renderMarkdownTable(table), '| name | n |\n| --- | ---: |\n| a | 1 |\n| bb | 22 |');
});
