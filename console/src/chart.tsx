/**
 * Bar charts with uPlot (a small, maintained canvas chart library): categories on the x axis, one
 * or more series of bars. The canvas is an image with a label for screen readers; every page that
 * draws one also shows its figures in a table. No legend or cursor overlay: the table is the legend.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface BarSeries {
  label: string;
  values: number[];
  color: string;
}

export const BarChart = ({
  categories,
  series,
  label,
  format,
  height = 220,
  max,
}: {
  categories: string[];
  series: BarSeries[];
  label: string;
  format: (v: number) => string;
  height?: number;
  max?: number;
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = categories.map((_, i) => i);
    const width = Math.max(280, Math.min(720, el.clientWidth || 600));
    const bars = uPlot.paths.bars!({ size: [0.7 / Math.max(1, series.length), 80], gap: 2 });
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.5, categories.length - 0.5] },
          y: { range: (_u, _min, dataMax) => [0, max ?? (dataMax > 0 ? dataMax * 1.1 : 1)] },
        },
        axes: [
          { splits: () => xs, values: (_u, splits) => splits.map((i) => categories[i] ?? ''), grid: { show: false } },
          { values: (_u, splits) => splits.map(format), size: 80 },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            fill: s.color,
            stroke: s.color,
            paths: bars,
            points: { show: false },
            // Side by side when there are several series.
            ...(series.length > 1 ? { paths: uPlot.paths.bars!({ size: [0.7 / series.length, 60], align: (i === 0 ? -1 : 1) as -1 | 1 }) } : {}),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [categories.join('|'), JSON.stringify(series), height, max]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
};

export interface LineSeries {
  label: string;
  /** null: no value that day (drawn as a gap). */
  values: (number | null)[];
  color: string;
}

/** Lines over categories (the DSO trend's week ends), the same way: an image with a label, its table beside it. */
export const LineChart = ({ categories, series, label, format, height = 220 }: { categories: string[]; series: LineSeries[]; label: string; format: (v: number) => string; height?: number }) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = categories.map((_, i) => i);
    const width = Math.max(280, Math.min(720, el.clientWidth || 600));
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.25, Math.max(0.25, categories.length - 0.75)] }, y: { range: (_u, _min, dataMax) => [0, dataMax > 0 ? dataMax * 1.15 : 1] } },
        axes: [
          { splits: () => xs, values: (_u, splits) => splits.map((i) => categories[i] ?? ''), grid: { show: false } },
          { values: (_u, splits) => splits.map(format), size: 60 },
        ],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 5 }, spanGaps: false }))],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [categories.join('|'), JSON.stringify(series), height]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
};
