/** A small line of hourly counts, with its total for screen readers (the line itself carries no text). */
export function Sparkline({ series, label }: { series: number[]; label: string }) {
  const width = 336;
  const height = 40;
  const max = Math.max(1, ...series);
  const step = width / Math.max(1, series.length - 1);
  const points = series.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      className="h-10 w-full max-w-sm text-brand-600"
      preserveAspectRatio="none"
    >
      <polyline points={points.join(" ")} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
