/** One series point: load (contacts/s) → latency (ms). */
export interface ChartStep {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

const W = 640;
const H = 400;
const M = { left: 64, right: 130, top: 40, bottom: 52 };
const SERIES = [['p50', '#1f77b4'], ['p99', '#ff7f0e'], ['p999', '#d62728']] as const;

/**
 * A dependency-free SVG line chart of ingest-to-offer latency percentiles against offered load,
 * one line per percentile; a log scale would hide the tail, so the y axis is linear from zero.
 */
export function latencyChartSvg(title: string, steps: readonly ChartStep[]): string {
  const maxX = Math.max(1, ...steps.map((s) => s.rate)) * 1.1;
  const maxY = Math.max(1, ...steps.flatMap((s) => [s.p50, s.p99, s.p999].filter(Number.isFinite))) * 1.1;
  const x = (v: number) => M.left + (v / maxX) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / maxY) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">offered load (contacts/s)</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">ingest → offer (ms)</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const vx = (maxX / 5) * i;
    const vy = (maxY / 5) * i;
    parts.push(`<text x="${x(vx)}" y="${H - M.bottom + 16}" text-anchor="middle">${vx.toFixed(0)}</text>`,
      `<text x="${M.left - 6}" y="${y(vy) + 4}" text-anchor="end">${vy.toFixed(vy < 10 ? 1 : 0)}</text>`,
      `<line x1="${M.left}" y1="${y(vy)}" x2="${W - M.right}" y2="${y(vy)}" stroke="#eee"/>`);
  }
  SERIES.forEach(([key, colour], i) => {
    const points = steps.filter((s) => Number.isFinite(s[key])).map((s) => `${x(s.rate).toFixed(1)},${y(s[key]).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const p of points) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`);
    parts.push(`<rect x="${W - M.right + 16}" y="${M.top + i * 20}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${W - M.right + 34}" y="${M.top + i * 20 + 10}">${key === 'p999' ? 'p99.9' : key}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
