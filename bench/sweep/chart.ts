/**
 * Terminal charts with asciichart: one line per series, labelled axes and a legend. X values
 * are placed evenly in sorted order, so a window swept in powers of two reads as a log axis.
 */
import * as asciichart from 'asciichart';

export interface ChartSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Plot columns (the y labels come on top). */
  width?: number;
  height?: number;
  /** ANSI colours: for a terminal, not for files. */
  color?: boolean;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
}

const PALETTE = [
  asciichart.blue,
  asciichart.green,
  asciichart.red,
  asciichart.magenta,
  asciichart.cyan,
  asciichart.yellow,
];
const MARKS = ['●', '■', '▲', '◆', '○', '□'];

export function renderChart(options: ChartOptions): string {
  const series = options.series.filter((s) => s.points.length > 0);
  if (series.length === 0) return `${options.title}\n  (no data)`;
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const width = options.width ?? 64;
  const step = xs.length > 1 ? Math.max(1, Math.floor((width - 1) / (xs.length - 1))) : 1;
  const columns = (xs.length - 1) * step + 1;
  const lines = series.map((s) => sample(s, xs, step, columns));
  const formatY = options.formatY ?? ((y: number) => y.toPrecision(3));
  const labelWidth = Math.max(...lines.flat().map((y) => formatY(y).length), 6);
  const height = options.height ?? 14;
  const min = Math.min(0, ...lines.flat());
  const max = Math.max(...lines.flat());
  const config = {
    height,
    min,
    max,
    offset: 2,
    format: (y: number) => formatY(Math.abs(y) < 1e-9 ? 0 : y).padStart(labelWidth),
  };
  // One layer per series, each cut to the x range it was measured over, then stacked.
  const layers = lines.map((line, i) => {
    const known = series[i].points.map((p) => xs.indexOf(p.x) * step);
    const from = labelWidth + 1 + Math.min(...known);
    const to = labelWidth + Math.max(...known);
    return asciichart
      .plot(line, config)
      .split('\n')
      .map((row) =>
        [...row].map((char, column) =>
          column > labelWidth && (column < from || column > to) ? ' ' : char,
        ),
      );
  });
  const plot = layers[0]
    .map((row, r) =>
      row
        .map((char, column) =>
          column <= labelWidth
            ? char
            : (layers.map((layer) => layer[r][column]).find((c) => c !== ' ') ?? ' '),
        )
        .join(''),
    )
    .join('\n');
  // The y label sits over the axis; the x axis ticks sit under each measured point.
  const axisColumn = labelWidth;
  const out = [
    options.title,
    `${' '.repeat(Math.max(0, axisColumn - options.yLabel.length))}${options.yLabel}`,
    markPoints(plot, series, xs, {
      min,
      max,
      height,
      axisColumn: labelWidth,
      step,
      color: options.color,
    }),
  ];
  const formatX = options.formatX ?? String;
  let ticks = `${' '.repeat(axisColumn)}└`;
  let labels = '';
  for (let i = 0; i < xs.length; i++) {
    const at = axisColumn + i * step;
    if (i > 0) ticks = ticks.padEnd(at, '─') + '┬';
    const label = formatX(xs[i]);
    const start = Math.max(labels.length + (i > 0 ? 1 : 0), at - Math.floor(label.length / 2));
    labels = labels.padEnd(start) + label;
  }
  out.push(ticks, labels, `${' '.repeat(axisColumn)}${options.xLabel}`.padStart(axisColumn));
  const legend = series.map((s, i) => `${seriesMark(options.color, i)} ${s.label}`);
  out.push(`${' '.repeat(axisColumn)}${legend.join('   ')}`);
  return out.join('\n');
}

/**
 * Puts each series' mark on its measured points, so lines that cross or meet stay tellable apart
 * without colour; with colour, the marks (not the lines) carry it.
 */
function markPoints(
  plot: string,
  series: ChartSeries[],
  xs: number[],
  scale: {
    min: number;
    max: number;
    height: number;
    axisColumn: number;
    step: number;
    color?: boolean;
  },
): string {
  const rows = plot.split('\n').map((row) => [...row]);
  const range = scale.max - scale.min;
  // The same rounding asciichart uses to place a value on a row.
  const ratio = range !== 0 ? scale.height / range : 1;
  const top = Math.round(scale.max * ratio);
  series.forEach((s, i) => {
    const mark = seriesMark(scale.color, i);
    for (const point of s.points) {
      const row = top - Math.round(point.y * ratio);
      const column = scale.axisColumn + xs.indexOf(point.x) * scale.step;
      if (rows[row] && column < rows[row].length) rows[row][column] = mark;
    }
  });
  return rows.map((row) => row.join('')).join('\n');
}

function seriesMark(color: boolean | undefined, i: number): string {
  const mark = MARKS[i % MARKS.length];
  return color ? `${PALETTE[i % PALETTE.length]}${mark}${asciichart.reset}` : mark;
}

/** The series at every plot column, linear between its measured points. */
function sample(series: ChartSeries, xs: number[], step: number, columns: number): number[] {
  const byX = new Map(series.points.map((p) => [p.x, p.y]));
  const known = xs
    .map((x, i) => ({ at: i * step, y: byX.get(x) }))
    .filter((k) => k.y !== undefined);
  const out: number[] = [];
  for (let column = 0; column < columns; column++) {
    const right = known.findIndex((k) => k.at >= column);
    const b = known[right === -1 ? known.length - 1 : right];
    const a = known[Math.max(0, right - 1)];
    if (right === -1 || b.at === column || a === b) out.push(b.y!);
    else out.push(a.y! + ((b.y! - a.y!) * (column - a.at)) / (b.at - a.at));
  }
  return out;
}
