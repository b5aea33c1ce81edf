/**
 * Charts for a paper, from a sweep's rows: throughput against the window (or packet size) per
 * series, with error bars for the standard deviation (thin, capped) and the 95 % confidence
 * interval of the mean (thick) across seeds, the model as a dashed line, reference figures as
 * black diamonds labelled in place and measured ceilings as grey rules. Vega-Lite specs, rendered to SVG in Node by
 * Vega (no browser); a log axis where the values span powers of two or more than a decade.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './csv.ts';
import { groupRows, layoutFor } from './report.ts';

/** A figure measured elsewhere, drawn as a black mark: a point, or a range when `y2` is given. */
export interface Reference {
  label: string;
  x: number;
  /** MB/s. */
  y: number;
  y2?: number;
}

/** A ceiling measured in the same run (raw UDP, TCP), drawn as a horizontal rule, MB/s. */
export interface Ceiling {
  label: string;
  y: number;
}

export interface Figure {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

export interface PlotOptions {
  title?: string;
  references?: Reference[];
  ceilings?: Ceiling[];
}

const MB = 1e6;
const finite = (value: number) => Number.isFinite(value);

/** Whether values are powers of two spread over at least 8×, as a doubling window sweep is. */
export function wantsLogX(xs: number[]): boolean {
  const positive = xs.filter((x) => x > 0);
  if (positive.length < 3 || positive.length !== xs.length) return false;
  return Math.max(...positive) / Math.min(...positive) >= 8;
}

/** Whether positive values span more than a decade (a linear axis would flatten the low end). */
export function wantsLogY(ys: number[]): boolean {
  const positive = ys.filter((y) => y > 0 && finite(y));
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) > 10;
}

export function throughputFigure(rows: Row[], options: PlotOptions = {}): Figure {
  const layout = layoutFor(rows);
  const groups = groupRows(rows, layout).filter((g) => finite(g.meanBps));
  const references = options.references ?? [];
  const ceilings = options.ceilings ?? [];
  const logY = wantsLogY([
    ...groups.map((g) => g.meanBps / MB),
    ...references.map((r) => r.y),
    ...ceilings.map((c) => c.y),
  ]);
  // On a log axis a bar reaching zero or below has no place: it is cut at a tenth of the least mean.
  const floor = logY ? Math.min(...groups.map((g) => g.meanBps / MB)) / 10 : -Infinity;
  const low = (value: number) => Math.max(floor, value);
  const points = groups.map((g) => ({
    series: g.series,
    x: g.x,
    mean: g.meanBps / MB,
    runs: g.runs - g.failed,
    sdLow: finite(g.sdBps) ? low((g.meanBps - g.sdBps) / MB) : null,
    sdHigh: finite(g.sdBps) ? (g.meanBps + g.sdBps) / MB : null,
    ciLow: finite(g.ciBps) ? low((g.meanBps - g.ciBps) / MB) : null,
    ciHigh: finite(g.ciBps) ? (g.meanBps + g.ciBps) / MB : null,
  }));
  const model = groups
    .filter((g) => finite(g.modelBps) && g.modelBps > 0)
    .map((g) => ({ series: g.series, x: g.x, model: g.modelBps / MB, kind: 'model' }));
  const xTitle = layout.x === 'window' ? 'window N (packets)' : 'packet size (bytes)';
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: xTitle,
    scale: wantsLogX(groups.map((g) => g.x)) ? { type: 'log' as const, base: 2 } : { zero: false },
    axis: { values: [...new Set(groups.map((g) => g.x))].sort((a, b) => a - b) },
  };
  const yScale = logY ? { type: 'log' as const } : { zero: true };
  const y = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title: 'throughput (MB/s)',
    scale: yScale,
  });
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: 'series',
    legend: { labelLimit: 360 },
  };
  const layers: unknown[] = [
    {
      data: { values: points.filter((p) => p.sdLow !== null) },
      mark: { type: 'errorbar', ticks: { size: 8 }, thickness: 1 },
      encoding: { x, y: y('sdLow'), y2: { field: 'sdHigh' }, color },
    },
    {
      data: { values: points.filter((p) => p.ciLow !== null) },
      mark: { type: 'rule', strokeWidth: 4, opacity: 0.45 },
      encoding: { x, y: y('ciLow'), y2: { field: 'ciHigh' }, color },
    },
    {
      data: { values: points },
      mark: { type: 'line', point: { filled: true, size: 50 } },
      encoding: {
        x,
        y: y('mean'),
        color,
        shape: { field: 'series', type: 'nominal' },
        tooltip: [
          { field: 'series' },
          { field: 'x', title: xTitle },
          { field: 'mean', title: 'mean MB/s', format: '.3f' },
          { field: 'runs' },
        ],
      },
    },
  ];
  if (model.length > 0) {
    layers.push({
      data: { values: model },
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: {
        x,
        y: y('model'),
        color,
        detail: { field: 'series' },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          title: 'dashed',
          scale: { range: [[6, 4]] },
          legend: { symbolType: 'stroke' },
        },
      },
    });
  }
  if (references.length > 0) {
    // Labelled in place rather than in a legend: a paper's reader sees what each mark is.
    layers.push(
      {
        data: { values: references.filter((r) => r.y2 !== undefined) },
        mark: { type: 'rule', color: 'black', strokeWidth: 2 },
        encoding: { x, y: y('y'), y2: { field: 'y2' } },
      },
      {
        data: { values: references },
        mark: { type: 'point', shape: 'diamond', size: 110, strokeWidth: 2, color: 'black' },
        encoding: { x, y: y('y') },
      },
      {
        // One label per kind of mark, beside its first mark.
        data: {
          values: references.filter(
            (r, i) => references.findIndex((o) => o.label === r.label) === i,
          ),
        },
        mark: { type: 'text', align: 'left', dx: 9, fontSize: 11, color: 'black' },
        encoding: { x, y: y('y'), text: { field: 'label' } },
      },
    );
  }
  if (ceilings.length > 0) {
    layers.push(
      {
        data: { values: ceilings },
        mark: { type: 'rule', color: 'grey', strokeDash: [2, 2] },
        encoding: { y: y('y') },
      },
      {
        data: { values: ceilings },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'grey', x: 0 },
        encoding: { y: y('y'), text: { field: 'label' } },
      },
    );
  }
  const title =
    options.title ?? `Throughput vs ${layout.x === 'window' ? 'window' : 'packet size'}`;
  return {
    name: 'throughput',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: title,
        subtitle:
          'mean across seeds; thin capped bars ± 1 standard deviation, thick bars 95 % confidence interval of the mean',
      },
      width: 640,
      height: 400,
      layer: layers,
    } as TopLevelSpec,
  };
}

/** Retransmissions per transfer against the same x, per series: where the loss goes. */
export function retransmitFigure(rows: Row[]): Figure | undefined {
  const layout = layoutFor(rows);
  const values = groupRows(rows, layout)
    .filter((g) => finite(g.retransmits))
    .map((g) => ({ series: g.series, x: g.x, retransmits: g.retransmits }));
  if (values.length === 0) return undefined;
  const title = 'Retransmitted packets per transfer (mean across seeds)';
  return {
    name: 'retransmits',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      width: 640,
      height: 260,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: layout.x === 'window' ? 'window N (packets)' : 'packet size (bytes)',
          scale: wantsLogX(values.map((v) => v.x)) ? { type: 'log', base: 2 } : { zero: false },
        },
        y: { field: 'retransmits', type: 'quantitative', title: 'retransmissions' },
        color: { field: 'series', type: 'nominal' },
        shape: { field: 'series', type: 'nominal' },
      },
    },
  };
}

export function figures(rows: Row[], options: PlotOptions = {}): Figure[] {
  const retransmits = retransmitFigure(rows);
  return [throughputFigure(rows, options), ...(retransmits ? [retransmits] : [])];
}

/** SVG text of a Vega-Lite spec, rendered by Vega in Node (text measured by estimate). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded when a chart is drawn: other commands do not pay for Vega's start-up.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
