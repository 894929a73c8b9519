import { api } from '../lib/api.js';
import { CHANNELS, STATUSES } from '../lib/constants.js';
import { failure, h } from '../lib/dom.js';
import { feedTable } from '../lib/feed.js';
import { searchForm } from '../lib/search.js';
import { onLeave, page } from '../lib/shell.js';

/** How often the first page of the feed is fetched again while auto-refresh is on. */
export const REFRESH_MS = 5_000;

const select = (name, any, values, selected) =>
  h(
    'select',
    { name },
    h('option', { value: '' }, any),
    values.map((v) => h('option', { value: v, selected: selected === v }, v)),
  );

export async function activity(params) {
  const st = select('status', 'any status', STATUSES, params.get('status'));
  const ch = select('channel', 'any channel', CHANNELS, params.get('channel'));
  const user = h('input', { name: 'userId', placeholder: 'any user', value: params.get('userId') ?? '' });
  const list = h('div', { id: 'feed' }, h('p', { class: 'muted' }, 'Loading…'));
  const filters = h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        const q = new URLSearchParams();
        for (const [k, el] of [
          ['status', st],
          ['channel', ch],
          ['userId', user],
        ])
          if (el.value) q.set(k, el.value);
        location.hash = `#/?${q}`;
      },
    },
    h('label', {}, 'Status', st),
    h('label', {}, 'Channel', ch),
    h('label', {}, 'User', user),
    h('button', { type: 'submit' }, 'Filter'),
  );

  // Auto-refresh fetches the first page again; it pauses by itself while an older page is shown
  // (replacing it would lose the reader's place) and while the tab is hidden.
  const auto = h('input', { type: 'checkbox', name: 'autoRefresh', checked: params.get('refresh') !== 'off' });
  const updated = h('span', { class: 'muted', id: 'updated' });
  let paged = false;
  const load = async (cursor) => {
    const q = new URLSearchParams({ limit: '25' });
    for (const k of ['status', 'channel']) if (params.get(k)) q.set(k, params.get(k));
    if (cursor) q.set('cursor', cursor);
    const userId = params.get('userId');
    const data = await api('GET', userId ? `/v1/users/${encodeURIComponent(userId)}/notifications?${q}` : `/v1/notifications?${q}`);
    paged = Boolean(cursor);
    const more = data.nextCursor
      ? h('button', { class: 'secondary', type: 'button', onclick: () => load(data.nextCursor).catch((e) => list.append(failure(e))) }, 'Older')
      : h('p', { class: 'muted' }, data.items.length ? 'End of the list.' : 'Nothing here yet.');
    list.replaceChildren(feedTable(data.items), more);
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}${paged ? ' · auto-refresh waits while an older page is shown' : ''}`;
  };
  const timer = setInterval(() => {
    if (auto.checked && !paged && document.visibilityState === 'visible') load().catch(() => {});
  }, REFRESH_MS);
  onLeave(() => clearInterval(timer));

  page(
    'Activity',
    searchForm(),
    filters,
    h(
      'div',
      { class: 'refresh' },
      h('label', { class: 'inline' }, auto, `Auto-refresh every ${REFRESH_MS / 1000} s`),
      h('button', { type: 'button', class: 'secondary', onclick: () => load().catch((e) => list.replaceChildren(failure(e))) }, 'Refresh now'),
      updated,
    ),
    list,
  );
  await load().catch((e) => list.replaceChildren(failure(e)));
}
