import { api } from '../lib/api.js';
import { channel, h, status, table, time } from '../lib/dom.js';
import { page } from '../lib/shell.js';

export async function health() {
  const s = await api('GET', '/v1/ops/status');
  page(
    'Provider and queue health',
    h('h2', {}, 'Channels'),
    table(
      ['Channel', 'State'],
      s.channels.map((c) => [channel(c.channel), status(c.state)]),
    ),
    h('h2', {}, 'Channel alerts'),
    s.alerts.length
      ? h(
          'ul',
          {},
          s.alerts.map((a) => h('li', { class: 'fail' }, `${a.kind}: ${a.subject} since ${time(a.since)}`)),
        )
      : h('p', { class: 'pass' }, 'No alert raised.'),
    h('p', { class: 'muted' }, 'Queue depths and the counts of all apps together are for operators: /metrics on the ops port.'),
    h('h2', {}, 'Lag behind the log'),
    h(
      'p',
      {},
      `dispatcher: ${s.lag.dispatcher ?? '–'} events; `,
      Object.entries(s.lag.projections)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    ),
    h('p', { class: 'muted' }, `as of ${time(s.at)}`),
  );
}
