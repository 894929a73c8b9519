import { api } from '../lib/api.js';
import { STATUSES } from '../lib/constants.js';
import { h, pct, status, table } from '../lib/dom.js';
import { bars, lines } from '../lib/charts.js';
import { page } from '../lib/shell.js';

export async function analytics() {
  const to = new Date(Date.now() + 60_000).toISOString();
  const from = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const [s, ts] = await Promise.all([
    api('GET', `/v1/analytics/summary?from=${from}&to=${to}`),
    api('GET', `/v1/analytics/timeseries?from=${from}&to=${to}&interval=hour&groupBy=channel`),
  ]);
  const funnel = [
    ['requested', s.total],
    ['sent', (s.byStatus.sent ?? 0) + (s.byStatus.delivered ?? 0)],
    ['delivered', s.delivered],
    ['opened', s.opened],
    ['clicked', s.clicked],
    ['converted', s.converted],
  ];
  page(
    'Analytics (last 24 hours)',
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Funnel'),
        bars(funnel),
        h('p', { class: 'muted' }, `delivery ${pct(s.deliveryRate)} · open ${pct(s.openRate)} · click ${pct(s.clickRate)} · conversion ${pct(s.conversionRate)}`),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Notifications per hour, by channel'), lines(ts)),
    ),
    h('h2', {}, 'By status'),
    table(
      ['Status', 'Notifications'],
      STATUSES.map((k) => [status(k), String(s.byStatus[k] ?? 0)]),
    ),
    h('p', {}, h('a', { href: `/v1/analytics/timeseries?from=${from}&to=${to}&interval=hour&groupBy=channel&format=csv` }, 'Download the time series as CSV')),
  );
}
