// SVG charts for the analytics page.
import { svg } from './dom.js';

export function bars(rows) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const w = 520, bh = 22;
  return svg('svg', { width: w, height: rows.length * (bh + 6), role: 'img', 'aria-label': 'funnel' }, rows.map(([label, v], i) => [
    svg('rect', { x: 110, y: i * (bh + 6), width: Math.max(1, ((w - 180) * v) / max), height: bh, fill: '#2b59c3', opacity: 1 - i * 0.12 }),
    svg('text', { x: 0, y: i * (bh + 6) + 15 }, label),
    svg('text', { x: 116 + ((w - 180) * v) / max, y: i * (bh + 6) + 15 }, v),
  ]));
}

export function lines(buckets) {
  const groups = [...new Set(buckets.map((b) => b.group))];
  const starts = [...new Set(buckets.map((b) => b.start))].sort();
  const w = 560, hgt = 200, pad = 30;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const x = (i) => pad + (starts.length <= 1 ? 0 : ((w - 2 * pad) * i) / (starts.length - 1));
  const y = (v) => hgt - pad - ((hgt - 2 * pad) * v) / max;
  const colors = ['#2b59c3', '#1f8a4c', '#c0392b', '#c77c02', '#7d3c98'];
  return svg('svg', { width: w, height: hgt + 20 * groups.length, role: 'img', 'aria-label': 'time series' },
    svg('line', { x1: pad, y1: hgt - pad, x2: w - pad, y2: hgt - pad, stroke: '#ccc' }),
    svg('text', { x: 0, y: pad }, max), svg('text', { x: 0, y: hgt - pad }, 0),
    starts.length ? [svg('text', { x: pad, y: hgt - 10 }, new Date(starts[0]).toLocaleString()), svg('text', { x: w - pad - 120, y: hgt - 10 }, new Date(starts.at(-1)).toLocaleString())] : [],
    groups.map((g, gi) => {
      const pts = starts.map((s, i) => `${x(i)},${y(buckets.find((b) => b.start === s && b.group === g)?.total ?? 0)}`).join(' ');
      const dots = starts.map((s, i) => svg('circle', { cx: x(i), cy: y(buckets.find((b) => b.start === s && b.group === g)?.total ?? 0), r: 3, fill: colors[gi % colors.length] }));
      return [svg('polyline', { points: pts, fill: 'none', stroke: colors[gi % colors.length], 'stroke-width': 2 }), dots, svg('text', { x: pad, y: hgt + 14 + gi * 18, fill: colors[gi % colors.length] }, `— ${g || '(none)'}`)];
    }));
}
