import { api } from '../lib/api.js';
import { CHANNELS } from '../lib/constants.js';
import { failure, h, plural } from '../lib/dom.js';
import { feedTable } from '../lib/feed.js';
import { can } from '../lib/operator.js';
import { page } from '../lib/shell.js';

export async function failed() {
  const to = new Date(Date.now() + 60_000);
  const from = new Date(to.getTime() - 24 * 3_600_000);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const fromI = h('input', { type: 'datetime-local', name: 'from', value: local(from) });
  const toI = h('input', { type: 'datetime-local', name: 'to', value: local(to) });
  const ch = h(
    'select',
    { name: 'channel' },
    h('option', { value: '' }, 'every channel'),
    CHANNELS.map((c) => h('option', { value: c }, c)),
  );
  const out = h('div', { id: 'redrive-result', role: 'status' });
  const request = (dryRun) => ({
    status: 'failed',
    from: new Date(fromI.value).toISOString(),
    to: new Date(toI.value).toISOString(),
    ...(ch.value ? { channel: ch.value } : {}),
    dryRun,
  });
  const go = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: async () => {
        go.disabled = true;
        try {
          const r = await api('POST', '/v1/redrive', request(false));
          out.replaceChildren(
            h(
              'p',
              {},
              `Redrive ${r.id}: ${r.redriven} of ${plural(r.matched, 'notification')} sent again${r.repeated ? ' (this redrive had already run: nothing new)' : ''}. Parked copies stay for an operator (npx notify redrive).`,
            ),
          );
          setTimeout(() => list().catch(() => {}), 1500);
        } catch (e) {
          out.replaceChildren(failure(e));
        }
      },
    },
    'Redrive',
  );
  const dry = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        try {
          const r = await api('POST', '/v1/redrive', request(true));
          out.replaceChildren(h('p', {}, `Dry run: ${plural(r.matched, 'failed notification')} ${r.matched === 1 ? 'matches' : 'match'}. Nothing was changed.`));
          go.disabled = r.matched === 0;
        } catch (e) {
          out.replaceChildren(failure(e));
        }
      },
    },
    'Dry run',
  );
  const table = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const list = async () => {
    const data = await api('GET', '/v1/notifications?status=failed&limit=50');
    table.replaceChildren(data.items.length ? feedTable(data.items) : h('p', { class: 'muted' }, 'No failed notifications.'));
  };
  page(
    'Failed & parked',
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Redrive a window'),
      h('p', { class: 'muted' }, 'Failed notifications in the window get a new attempt under the same id. A dry run comes first.'),
      h(
        'div',
        { class: 'row' },
        h('label', {}, 'From', fromI),
        h('label', {}, 'To', toI),
        h('label', {}, 'Channel', ch),
        can('operator') ? [dry, go] : h('span', { class: 'muted' }, 'Redriving needs the operator role.'),
      ),
      out,
    ),
    h('h2', {}, 'Failed notifications'),
    table,
  );
  await list().catch((e) => table.replaceChildren(failure(e)));
}
