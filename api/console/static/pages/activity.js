import { api } from '../lib/api.js';
import { failure, h } from '../lib/dom.js';
import { feedTable } from '../lib/feed.js';
import { page } from '../lib/shell.js';

export async function activity(params) {
  const st = h('select', { name: 'status' }, h('option', { value: '' }, 'any status'), ['pending', 'scheduled', 'sent', 'delivered', 'failed', 'suppressed'].map((s) => h('option', { value: s, selected: params.get('status') === s }, s)));
  const ch = h('select', { name: 'channel' }, h('option', { value: '' }, 'any channel'), ['ios', 'android', 'sms', 'email'].map((c) => h('option', { value: c, selected: params.get('channel') === c }, c)));
  const user = h('input', { name: 'userId', placeholder: 'user id (optional)', value: params.get('userId') ?? '' });
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const filters = h('form', { class: 'row', onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, el] of [['status', st], ['channel', ch], ['userId', user]]) if (el.value) q.set(k, el.value);
    location.hash = `#/?${q}`;
  } }, h('label', {}, 'Status', st), h('label', {}, 'Channel', ch), h('label', {}, 'User', user), h('button', { type: 'submit' }, 'Filter'));
  page('Activity', filters, list);
  const load = async (cursor) => {
    const q = new URLSearchParams({ limit: '25' });
    for (const k of ['status', 'channel']) if (params.get(k)) q.set(k, params.get(k));
    if (cursor) q.set('cursor', cursor);
    const userId = params.get('userId');
    const data = await api('GET', userId ? `/v1/users/${encodeURIComponent(userId)}/notifications?${q}` : `/v1/notifications?${q}`);
    const more = data.nextCursor ? h('button', { class: 'secondary', type: 'button', onclick: () => load(data.nextCursor).catch((e) => list.append(failure(e))) }, 'Older') : h('p', { class: 'muted' }, data.items.length ? 'End of the list.' : 'Nothing here yet.');
    list.replaceChildren(feedTable(data.items), more);
  };
  await load().catch((e) => list.replaceChildren(failure(e)));
}
