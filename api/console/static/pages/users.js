import { api } from '../lib/api.js';
import { failure, h, link, muted, table } from '../lib/dom.js';
import { feedTable } from '../lib/feed.js';
import { page } from '../lib/shell.js';

const lookup = (value = '') => {
  const id = h('input', { name: 'userId', value, required: true, autocomplete: 'off' });
  return h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/users/${encodeURIComponent(id.value.trim())}`;
      },
    },
    h('label', {}, 'User id', id),
    h('button', { type: 'submit' }, 'Open'),
  );
};

export function userSearch() {
  page('Users', lookup(), muted("A user's contact, devices, preferences and recent notifications. User ids in the activity feed link here too."));
}

const onOff = (v) => (v === false ? 'off' : 'on');
const shortToken = (t) => (t.length > 24 ? `${t.slice(0, 10)}…${t.slice(-8)}` : t);

function preferences(p) {
  const channels = Object.entries(p.channels ?? {});
  const categories = Object.entries(p.categories ?? {});
  return h(
    'div',
    { id: 'preferences' },
    channels.length
      ? table(
          ['Channel', 'Setting'],
          channels.map(([c, v]) => [c, onOff(v)]),
        )
      : muted('Every channel on (no preference set).'),
    categories.length
      ? [
          h('h3', {}, 'Categories'),
          table(
            ['Category', 'Channels'],
            categories.map(([name, cs]) => [
              name,
              Object.entries(cs)
                .map(([c, v]) => `${c} ${onOff(v)}`)
                .join(', ') || 'all on',
            ]),
          ),
        ]
      : '',
    p.quietHours ? h('p', {}, `Quiet hours ${p.quietHours.start}–${p.quietHours.end}${p.quietHours.timezone ? ` (${p.quietHours.timezone})` : ''}`) : '',
  );
}

/** One user (GET /v1/users/:userId) and their latest notifications (GET /v1/users/:userId/notifications). */
export async function user(userId) {
  page(`User ${userId}`, lookup(userId), muted('Loading…'));
  const q = encodeURIComponent(userId);
  const [u, recent] = await Promise.all([
    api('GET', `/v1/users/${q}`).catch((e) => ({ error: e })),
    api('GET', `/v1/users/${q}/notifications?limit=10`).catch((e) => ({ error: e })),
  ]);
  if (u.error) return page(`User ${userId}`, lookup(userId), failure(u.error));
  const contact = [
    ['Email', u.email],
    ['Phone', u.phone],
    ['Locale', u.locale],
    ['Time zone', u.timezone],
    ['Chat webhook', u.chat?.webhookUrl],
  ].filter(([, v]) => v);
  page(
    `User ${userId}`,
    lookup(userId),
    h('h2', {}, 'Contact'),
    contact.length
      ? h(
          'dl',
          { class: 'facts card' },
          contact.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        )
      : muted('No contact on file.'),
    h('h2', {}, 'Devices'),
    u.devices.length
      ? table(
          ['Device id', 'Platform', 'Token'],
          u.devices.map((d) => [d.id, d.platform, shortToken(d.token)]),
          { id: 'devices', class: 'stack' },
        )
      : muted('No device registered.'),
    h('h2', {}, 'Preferences'),
    preferences(u.preferences ?? {}),
    h('h2', {}, 'Recent notifications'),
    recent.error ? failure(recent.error) : recent.items.length ? feedTable(recent.items, { withUser: false }) : muted('No notification yet.'),
    h('p', {}, link(`#/?${new URLSearchParams({ userId })}`, "All of this user's notifications in the activity feed")),
  );
}
