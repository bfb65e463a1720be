/* global document */
// Trend charts drawn as SVG by hand (no library): one small chart per figure, a point per interval.

const NS = 'http://www.w3.org/2000/svg';
const W = 320, H = 120, PAD = { left: 40, right: 10, top: 12, bottom: 22 };

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c);
  return el;
}

/** A JSON number as the API sends it: proto3 JSON writes NaN as "NaN" and leaves zeros out. */
export function num(value) {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : NaN;
}

const hhmm = (iso) => new Date(iso).toISOString().slice(11, 16);
const dayOf = (iso) => new Date(iso).toISOString().slice(5, 10);

/**
 * One chart: `values` (NaN: no data, drawn as a gap), labelled by interval start. `kind` 'bar'
 * draws counts, 'line' ratios and durations; `format` writes the axis' top value.
 */
export function trendChart({ metric, title, values, starts, kind = 'line', max, format = String }) {
  const finite = values.filter(Number.isFinite);
  // Counts get a whole top value; durations and ratios some headroom.
  const top = max ?? (kind === 'bar' ? Math.max(1, Math.ceil(Math.max(0, ...finite) * 1.1)) : Math.max(1, ...finite) * 1.1);
  const iw = W - PAD.left - PAD.right, ih = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (values.length <= 1 ? iw / 2 : (i * iw) / (values.length - 1));
  const y = (v) => PAD.top + ih - (Math.min(v, top) / top) * ih;
  const daily = starts.length > 1 && Date.parse(starts[1]) - Date.parse(starts[0]) >= 86_400_000;
  const label = daily ? dayOf : hhmm;
  const marks = [];
  if (kind === 'bar') {
    const bw = Math.max(2, (iw / Math.max(1, values.length)) * 0.6);
    values.forEach((v, i) => { if (Number.isFinite(v) && v > 0) marks.push(svg('rect', { class: 'bar-mark', x: x(i) - bw / 2, y: y(v), width: bw, height: PAD.top + ih - y(v) })); });
  } else {
    // A path broken where an interval has no data, and a dot per interval that has.
    let d = '';
    values.forEach((v, i) => { if (Number.isFinite(v)) d += `${d && Number.isFinite(values[i - 1]) ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`; });
    if (d) marks.push(svg('path', { class: 'line-mark', d }));
    values.forEach((v, i) => { if (Number.isFinite(v)) marks.push(svg('circle', { class: 'dot-mark', cx: x(i), cy: y(v), r: 2.5 })); });
  }
  const axis = svg('g', { class: 'axis' },
    svg('line', { x1: PAD.left, y1: PAD.top + ih, x2: W - PAD.right, y2: PAD.top + ih }),
    text(PAD.left - 4, PAD.top + 4, format(top), 'end'),
    text(PAD.left - 4, PAD.top + ih, format(0), 'end'),
    starts.length ? text(PAD.left, H - 6, label(starts[0]), 'start') : undefined,
    starts.length > 1 ? text(W - PAD.right, H - 6, label(starts[starts.length - 1]), 'end') : undefined);
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, 'data-metric': metric,
    'data-points': finite.length, 'data-values': values.map((v) => (Number.isFinite(v) ? +v.toFixed(4) : '')).join(' ') }, axis, ...marks);
  const figure = document.createElement('figure');
  figure.className = 'chart-box';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption, chart);
  return figure;
}

function text(x, y, content, anchor) {
  const t = svg('text', { x, y, 'text-anchor': anchor });
  t.textContent = content;
  return t;
}
