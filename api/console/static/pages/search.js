import { api } from '../lib/api.js';
import { channel, failure, h, muted, notificationLink, plural, status, table, time, userLink } from '../lib/dom.js';
import { searchForm } from '../lib/search.js';
import { page } from '../lib/shell.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Search by notification id (its own stream: found at once) or eventId (the read model: follows the log). */
export async function search(params) {
  const q = (params.get('q') ?? '').trim();
  const out = h('div', { id: 'results' });
  page('Search', searchForm(q), out);
  if (!q) return;
  out.replaceChildren(muted('Searching…'));
  const [byId, byEvent] = await Promise.all([
    UUID.test(q) ? api('GET', `/v1/notifications/${q.toLowerCase()}`).catch(() => undefined) : undefined,
    api('GET', `/v1/events/${encodeURIComponent(q)}/notifications`).catch((e) => ({ error: e })),
  ]);
  // A notification id names one notification: its page is the answer.
  if (byId && (byEvent.error || byEvent.items.length === 0)) {
    location.replace(`#/n/${byId.id}`);
    return;
  }
  const parts = [];
  if (byId) parts.push(h('h2', {}, 'Notification'), h('p', {}, notificationLink(byId.id, byId.id), ' ', status(byId.status)));
  if (byEvent.error) parts.push(failure(byEvent.error));
  else if (byEvent.items.length) {
    parts.push(
      h('h2', {}, `Event ${q}: ${plural(byEvent.items.length, 'notification')}`),
      table(
        ['Requested', 'Notification', 'User', 'Channel', 'Template', 'Status', 'Note'],
        byEvent.items.map((n) => [
          time(n.requestedAt),
          notificationLink(n.id),
          userLink(n.userId),
          channel(n.channel),
          n.templateVersion ? `${n.templateId} v${n.templateVersion}` : n.templateId,
          status(n.status),
          n.fallbackOf
            ? h('span', {}, 'fallback of ', notificationLink(n.fallbackOf))
            : n.digestNotificationId
              ? h('span', {}, 'in digest ', notificationLink(n.digestNotificationId))
              : '',
        ]),
      ),
    );
  }
  if (!parts.length) parts.push(muted(`No notification has the id or eventId "${q}". A notification just requested may take a moment to be found by its eventId.`));
  out.replaceChildren(...parts);
}
