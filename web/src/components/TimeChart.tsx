import { useEffect, useRef } from 'react';
import './TimeChart.css';

export interface Series {
  label: string;
  /** A theme colour variable, e.g. `--color-accent`. */
  color: string;
  /** One value per bucket (null: none). */
  values: Array<number | null>;
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * A line chart of figures per bucket (days, weeks or months, by their first day), drawn by uPlot,
 * which loads with the first chart. The figure's caption and a visually hidden table carry the
 * same figures for people who do not see the canvas.
 */
export function TimeChart({
  title,
  buckets,
  series,
}: {
  title: string;
  buckets: string[];
  series: Series[];
}) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = target.current;
    if (!element) return;
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const x = buckets.map((bucket) => Date.parse(`${bucket}T00:00:00Z`) / 1000);
      const text = cssVar('--color-text-muted');
      const grid = cssVar('--color-border');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      chart = new UPlot(
        {
          width: Math.max(element.clientWidth, 280),
          height: 220,
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          series: [
            {},
            ...series.map((s) => ({
              label: s.label,
              stroke: cssVar(s.color),
              width: 2,
              points: { show: true },
            })),
          ],
          axes: [axis, axis],
          legend: { show: true },
        },
        [x, ...series.map((s) => s.values)],
        element,
      );
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [buckets, series]);
  return (
    <figure className="time-chart">
      <figcaption className="time-chart__caption">{title}</figcaption>
      <div ref={target} className="time-chart__canvas" aria-hidden="true" />
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket, i) => (
            <tr key={bucket}>
              <th scope="row">{bucket}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i] ?? '–'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
