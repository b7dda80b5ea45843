import { max } from 'd3-array';
import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';
import type { ChartSpec } from './report.view';

/**
 * Geometry of the report's server-side SVG charts (decision 0016): d3-scale, d3-shape and d3-array compute
 * positions; src/components/report/*.astro draw them. Pure, no DOM, so the same spec can be rendered anywhere a
 * page can (a working group's agenda item later) or frozen as SVG text.
 * @module
 */

const MIN_SHOWN = 5;

/** Colours and dash patterns of up to four series: distinguishable without colour, ≥ 3:1 against white. */
export const SERIES_STYLES = [
  { stroke: '#1d4e89', dash: '' },
  { stroke: '#a14a00', dash: '6 3' },
  { stroke: '#2e6b30', dash: '2 3' },
  { stroke: '#6b2c91', dash: '10 3 2 3' },
] as const;

/** A bar of a bar chart. */
export interface Bar {
  label: string;
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The drawing widths (SVG units) of a chart: wide for screens and print, narrow for phones (shown below 36rem by
 * CSS). Labels are 12–14 units high, so a drawing shown at about its own width keeps them at 11 px or more; the
 * wide one on a 390 px phone would shrink them to about 7 px.
 */
export const CHART_WIDTHS = { wide: 640, narrow: 340 } as const;

/** A horizontal bar chart of the first series: labels left, bars right, the shown value at the bar's end. */
export function layoutBars(
  spec: ChartSpec,
  width = 640,
): { width: number; height: number; bars: Bar[]; labelWidth: number } {
  const data = spec.series[0]?.data ?? [];
  const labelWidth = width < 480 ? 130 : 150;
  const rowHeight = 32;
  const height = Math.max(rowHeight, data.length * rowHeight) + 8;
  const y = scaleBand<string>()
    .domain(data.map((d) => d.label))
    .range([4, height - 4])
    .padding(0.25);
  const x = scaleLinear()
    .domain([0, max(data, (d) => d.value ?? 0) || 1])
    .range([0, width - labelWidth - 70]);
  return {
    width,
    height,
    labelWidth,
    bars: data.map((d) => ({
      label: d.label,
      text: d.text,
      x: labelWidth,
      y: y(d.label) ?? 0,
      width: d.value === null ? 0 : Math.max(1, x(d.value)),
      height: y.bandwidth(),
    })),
  };
}

/** A line chart: one path per series; a value under five (null) breaks the line instead of being drawn. */
export function layoutLines(
  spec: ChartSpec,
  width = 640,
  height = 260,
): {
  width: number;
  height: number;
  lines: { name: string; d: string; stroke: string; dash: string; points: { x: number; y: number }[] }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  plot: { left: number; right: number; top: number; bottom: number };
} {
  const plot = { left: 48, right: width - 36, top: 12, bottom: height - 40 };
  const labels = spec.series[0]?.data.map((d) => d.label) ?? [];
  const x = scalePoint<string>().domain(labels).range([plot.left, plot.right]).padding(0.2);
  // At least five: shown values start there, and the axis of counts never gets steps like 0,2.
  const top = Math.max(MIN_SHOWN, max(spec.series.flatMap((s) => s.data.map((d) => d.value ?? 0))) ?? 0);
  const y = scaleLinear().domain([0, top]).nice().range([plot.bottom, plot.top]);
  const path = line<{ label: string; value: number | null }>()
    .defined((d) => d.value !== null)
    .x((d) => x(d.label) ?? 0)
    .y((d) => y(d.value ?? 0));
  // Fewer axis labels on a narrow drawing, so they do not run into each other.
  const every = Math.max(1, Math.ceil(labels.length / (width < 480 ? 4 : 8)));
  return {
    width,
    height,
    plot,
    lines: spec.series.map((series, index) => {
      const style = SERIES_STYLES[index % SERIES_STYLES.length]!;
      return {
        name: series.name,
        d: path(series.data) ?? '',
        stroke: style.stroke,
        dash: style.dash,
        points: series.data
          .filter((d) => d.value !== null)
          .map((d) => ({ x: x(d.label) ?? 0, y: y(d.value ?? 0) })),
      };
    }),
    xTicks: labels
      .map((label, i) => ({ x: x(label) ?? 0, label, i }))
      .filter((t) => t.i % every === 0)
      .map(({ x: at, label }) => ({ x: at, label })),
    yTicks: y
      .ticks(5)
      .filter(Number.isInteger)
      .map((value) => ({ y: y(value), label: value.toLocaleString('de-DE') })),
  };
}
