/**
 * A small stacked bar chart in plain SVG (no chart library), with the same numbers in a table
 * for screen readers.
 */
export interface Series {
  key: string;
  label: string;
  /** Tailwind fill class, e.g. fill-emerald-500 */
  fill: string;
}

export function StackedBars<T extends Record<string, number | string>>({
  title,
  data,
  series,
  labelOf,
}: {
  title: string;
  data: T[];
  series: Series[];
  labelOf: (row: T) => string;
}) {
  const totals = data.map((row) => series.reduce((sum, s) => sum + Number(row[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const width = 600;
  const height = 160;
  const barWidth = width / Math.max(1, data.length);
  return (
    <figure className="m-0 space-y-2">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="h-40 w-full" role="img" aria-label={`${title}: ${totals.reduce((a, b) => a + b, 0)} in total`}>
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="stroke-slate-300" />
        {data.map((row, index) => {
          let y = height;
          return (
            <g key={index}>
              {series.map((s) => {
                const value = Number(row[s.key] ?? 0);
                const h = (value / max) * (height - 10);
                y -= h;
                return value > 0 ? (
                  <rect key={s.key} x={index * barWidth + 1} y={y} width={Math.max(1, barWidth - 2)} height={h} className={s.fill}>
                    <title>{`${labelOf(row)}: ${value} ${s.label}`}</title>
                  </rect>
                ) : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="flex flex-wrap gap-4 text-xs text-slate-600">
        {series.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <svg width="10" height="10" aria-hidden="true">
              <rect width="10" height="10" className={s.fill} />
            </svg>
            {s.label}
          </span>
        ))}
      </figcaption>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data
            .filter((_, index) => totals[index] > 0)
            .map((row) => (
              <tr key={labelOf(row)}>
                <th scope="row">{labelOf(row)}</th>
                {series.map((s) => (
                  <td key={s.key}>{Number(row[s.key] ?? 0)}</td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
