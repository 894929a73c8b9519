// SVG charts for the analytics page, sized to the screen they are drawn on.
import { channelColor } from './constants.js';
import { h, svg } from './dom.js';

const HOUR = 3_600_000;
/** The chart width: up to `max`, narrower on a phone (the page has 2 x ~2rem of padding around it). */
const widthFor = (max) => Math.max(260, Math.min(max, document.documentElement.clientWidth - 72));

export function bars(rows) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const w = widthFor(520),
    bh = 22,
    labelW = 90,
    valueW = 50;
  const len = (v) => ((w - labelW - valueW) * v) / max;
  return svg(
    'svg',
    { width: w, height: rows.length * (bh + 6), viewBox: `0 0 ${w} ${rows.length * (bh + 6)}`, role: 'img', 'aria-label': 'funnel' },
    svg('title', {}, `Funnel: ${rows.map(([l, v]) => `${l} ${v}`).join(', ')}`),
    rows.map(([label, v], i) => [
      svg('rect', { x: labelW, y: i * (bh + 6), width: Math.max(1, len(v)), height: bh, fill: '#2452b5', opacity: 1 - i * 0.12 }),
      svg('text', { x: 0, y: i * (bh + 6) + 15 }, label),
      svg('text', { x: labelW + 6 + len(v), y: i * (bh + 6) + 15 }, v),
    ]),
  );
}

/** Every hour from `from` to `to` (the buckets' own format): hours without a bucket count 0, so one bucket is a peak, not a lone dot. */
function hoursBetween(from, to) {
  const start = Math.floor(Date.parse(from) / HOUR) * HOUR;
  const end = Math.floor(Date.parse(to) / HOUR) * HOUR;
  const out = [];
  for (let t = start; t <= end && out.length < 24 * 62; t += HOUR) out.push(new Date(t).toISOString());
  return out;
}

const hourLabel = (iso) => new Date(iso).toLocaleTimeString([], { hour: 'numeric' });
const dayLabel = (iso) => new Date(iso).toLocaleDateString([], { month: 'short', day: 'numeric' });

/**
 * Notifications per hour, one line per group (a channel's own colour), over the whole window asked.
 * Returns the chart, its legend and (for screen readers and exact numbers) the same data as a table.
 */
export function lines(ts) {
  const groups = [...new Set(ts.buckets.map((b) => b.group))].sort();
  const starts = hoursBetween(ts.from, ts.to);
  const total = new Map(ts.buckets.map((b) => [`${b.start}\u0000${b.group}`, b.total]));
  const at = (s, g) => total.get(`${s}\u0000${g}`) ?? 0;
  const w = widthFor(560),
    hgt = 200,
    left = 34,
    right = 12,
    top = 12,
    bottom = 36;
  const max = Math.max(1, ...ts.buckets.map((b) => b.total));
  const x = (i) => left + ((w - left - right) * i) / Math.max(1, starts.length - 1);
  const y = (v) => top + (hgt - top - bottom) * (1 - v / max);
  // Ticks at every 6th hour (fewer on a phone), each with its own time: never two equal labels.
  const every = w < 400 ? 8 : 6;
  // A label that repeats (the same hour a day later) names its day too.
  const seen = new Set();
  const ticks = starts
    .map((s, i) => [s, i])
    .filter(([, i]) => i % every === 0)
    .map(([s, i]) => {
      const label = seen.has(hourLabel(s)) ? `${dayLabel(s)} ${hourLabel(s)}` : hourLabel(s);
      seen.add(hourLabel(s));
      return [s, i, label];
    });
  const anchor = (i) => (i === 0 ? 'start' : i === starts.length - 1 ? 'end' : 'middle');
  const chart = svg(
    'svg',
    { width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': 'time series' },
    svg('title', {}, `Notifications per hour by channel, ${hourLabel(starts[0])} to ${hourLabel(starts.at(-1))}`),
    svg('line', { x1: left, y1: y(0), x2: w - right, y2: y(0), stroke: '#8a94a3' }),
    svg('line', { x1: left, y1: top, x2: left, y2: y(0), stroke: '#8a94a3' }),
    svg('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end' }, max),
    svg('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end' }, 0),
    ticks.map(([s, i, label]) => [
      svg('line', { x1: x(i), y1: y(0), x2: x(i), y2: y(0) + 4, stroke: '#8a94a3' }),
      svg('text', { class: 'tick', x: x(i), y: y(0) + 16, 'text-anchor': anchor(i) }, label),
      i === 0 ? svg('text', { x: x(i), y: y(0) + 29, 'text-anchor': 'start' }, dayLabel(s)) : null,
    ]),
    groups.map((g) => {
      const color = channelColor(g);
      const pts = starts.map((s, i) => `${x(i)},${y(at(s, g))}`).join(' ');
      const dots = starts.flatMap((s, i) => (at(s, g) ? [svg('circle', { cx: x(i), cy: y(at(s, g)), r: 3, fill: color })] : []));
      return [svg('polyline', { points: pts, fill: 'none', stroke: color, 'stroke-width': 2, 'data-group': g }), dots];
    }),
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'channels' },
    groups.map((g) => h('li', {}, h('span', { class: `swatch c-${g}`, 'aria-hidden': 'true' }), g || '(none)')),
  );
  const rows = ts.buckets.map((b) => h('tr', {}, h('td', {}, `${dayLabel(b.start)} ${hourLabel(b.start)}`), h('td', {}, b.group || '(none)'), h('td', {}, b.total)));
  const data = h(
    'details',
    {},
    h('summary', {}, 'As a table'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Hour', 'Channel', 'Notifications'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
  return h('div', {}, chart, groups.length ? legend : h('p', { class: 'muted' }, 'Nothing requested in this window.'), data);
}
