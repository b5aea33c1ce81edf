/**
 * The throughput chart carries what a paper needs: the spread across seeds as two kinds of error
 * bar, the model as a dashed line, reference marks labelled in place, log axes where the data
 * spans powers of two or decades, and Vega renders it to SVG with its axis titles and legend.
 */
import test from 'ava';
import { renderSvg, throughputFigure, wantsLogX, wantsLogY } from '../../bench/sweep/plot.ts';
import { spread } from '../../bench/sweep/stats.ts';
import { sampleRows } from '../helpers/sweep-rows.ts';

interface Layer {
  data: { values: Record<string, unknown>[] };
  mark: { type: string; strokeDash?: number[] };
  encoding: Record<string, { field?: string; scale?: { type?: string } }>;
}

const layersOf = (spec: unknown) => (spec as { layer: Layer[] }).layer;

const axisChoice = test.macro(
  (t, values: number[], log: boolean, pick: (v: number[]) => boolean) => {
    t.is(pick(values), log);
  },
);
test('a doubling window gets a log-2 axis', axisChoice, [1, 2, 4, 8, 16], true, wantsLogX);
test('a narrow window range stays linear', axisChoice, [8, 12, 16], false, wantsLogX);
test('throughput over two decades gets a log axis', axisChoice, [1, 9, 120], true, wantsLogY);
test('throughput within a decade stays linear', axisChoice, [40, 90, 120], false, wantsLogY);

test('error bars are the standard deviation and the 95 % CI of the finished seeds', (t) => {
  const rows = sampleRows();
  const layers = layersOf(throughputFigure(rows).spec);
  const [sdBars, ciBars, means] = layers;
  t.is(sdBars.mark.type, 'errorbar');
  t.is(ciBars.mark.type, 'rule');
  const lossy = rows
    .filter((row) => row.loss === 0.05 && row.window === 4)
    .map((row) => Number(row.throughput_Bps) / 1e6);
  const expected = spread(lossy);
  const point = means.data.values.find((p) => p.series === 'loss 5 %' && p.x === 4)!;
  t.true(Math.abs(Number(point.mean) - expected.mean) < 1e-9);
  const sd = sdBars.data.values.find((p) => p.series === 'loss 5 %' && p.x === 4)!;
  t.true(Math.abs(Number(sd.sdHigh) - (expected.mean + expected.sd)) < 1e-9);
  const ci = ciBars.data.values.find((p) => p.series === 'loss 5 %' && p.x === 4)!;
  t.true(Math.abs(Number(ci.ciHigh) - (expected.mean + expected.ci95)) < 1e-9);
  // The failed seed at window 32 is left out of the mean, not averaged in as a zero.
  const failedPoint = means.data.values.find((p) => p.series === 'loss 5 %' && p.x === 32)!;
  t.is(failedPoint.runs, 2);
  t.true(Number(failedPoint.mean) > 1);
});

test('the model is a dashed line per series and the axes are logarithmic here', (t) => {
  const layers = layersOf(throughputFigure(sampleRows()).spec);
  const model = layers.find((layer) => layer.data.values.some((v) => 'model' in v))!;
  t.deepEqual(model.mark.strokeDash, [6, 4]);
  t.is(new Set(model.data.values.map((v) => v.series)).size, 2);
  t.is(layers[2].encoding.x.scale?.type, 'log');
  t.is(layers[2].encoding.y.scale?.type, 'log');
});

test('reference figures and ceilings are drawn, each labelled once', (t) => {
  const figure = throughputFigure(sampleRows(), {
    references: [
      { label: '2016 report', x: 16, y: 1.04 },
      { label: '2016 report', x: 32, y: 1.12 },
      { label: '2016 code here', x: 16, y: 21, y2: 28 },
    ],
    ceilings: [{ label: 'raw UDP blast', y: 900 }],
  });
  const layers = layersOf(figure.spec);
  const labels = layers.find((l) => l.mark.type === 'text' && l.encoding.x !== undefined)!;
  t.deepEqual(
    labels.data.values.map((v) => v.label),
    ['2016 report', '2016 code here'],
  );
  const ranges = layers.find((l) => l.encoding.y2?.field === 'y2')!;
  t.deepEqual(
    ranges.data.values.map((v) => [v.y, v.y2]),
    [[21, 28]],
  );
  t.true(layers.some((l) => l.data.values.some((v) => v.label === 'raw UDP blast')));
});

test('Vega renders the chart to SVG in Node with axis titles, legend and marks', async (t) => {
  const svg = await renderSvg(
    throughputFigure(sampleRows(), { references: [{ label: '2016 report', x: 16, y: 1.04 }] }).spec,
  );
  t.true(svg.startsWith('<svg'));
  for (const text of [
    'window N (packets)',
    'throughput (MB/s)',
    'loss 5 %',
    'model',
    '2016 report',
  ]) {
    t.true(svg.includes(`>${text}<`), text);
  }
  // 12 means, 2 series lines, error bars: well over 20 drawn paths.
  t.true((svg.match(/<path/g) ?? []).length > 20);
});
