import { api } from '../lib/api.js';
import { channel, failure, h, link, muted, notificationLink, plural, status, table, time, userLink } from '../lib/dom.js';
import { page } from '../lib/shell.js';

const facts = (rows) =>
  h(
    'dl',
    { class: 'facts card' },
    rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );

/**
 * The notifications linked to this one: the one it is a fallback of, the digest that carried it,
 * the members it carries as a digest, and (found through its eventId, which a fallback shares)
 * the fallbacks that replaced it.
 */
function related(n, siblings) {
  const items = [];
  if (n.fallbackOf) items.push(h('li', {}, 'Fallback of ', notificationLink(n.fallbackOf, n.fallbackOf)));
  if (n.digestNotificationId) items.push(h('li', {}, 'Carried by the digest ', notificationLink(n.digestNotificationId, n.digestNotificationId)));
  for (const m of n.digestOf ?? []) items.push(h('li', {}, 'Digest member ', notificationLink(m, m)));
  for (const s of siblings.filter((s) => s.fallbackOf === n.id))
    items.push(h('li', {}, 'Replaced by the fallback ', notificationLink(s.id, s.id), ' (', channel(s.channel), ') ', status(s.status)));
  const others = siblings.filter((s) => s.id !== n.id && s.fallbackOf !== n.id && s.id !== n.fallbackOf);
  if (others.length)
    items.push(
      h(
        'li',
        {},
        'Same event: ',
        others.map((s, i) => [i ? ', ' : '', notificationLink(s.id), ` (${s.channel}, ${s.userId})`]),
      ),
    );
  return items.length ? h('ul', { class: 'related', id: 'related' }, items) : muted('No fallback, digest or other notification of the same event.');
}

function whyBlock(why) {
  if (why.error) return failure(why.error);
  return h(
    'div',
    { id: 'why' },
    h(
      'p',
      {},
      'Decision: ',
      h('strong', {}, why.decision.outcome),
      why.decision.reason ? ` (${why.decision.reason})` : '',
      h('span', { class: 'muted' }, ` as of log position ${why.decision.asOf?.position} at ${time(why.decision.asOf?.at)}`),
    ),
    table(
      ['Check', 'Result', 'Detail'],
      why.decision.reasons.map((r) => [r.check, h('span', { class: r.passed ? 'pass' : 'fail' }, r.passed ? 'passed' : 'stopped'), r.detail]),
    ),
    h('h2', {}, 'Attempts'),
    why.attempts.length
      ? table(
          ['#', 'At', 'Provider', 'Result', 'Classified', 'Code', 'Message'],
          why.attempts.map((a) => [a.attempt ?? '', time(a.at), a.provider ?? '', status(a.result), a.classification, a.code ?? '', a.message ?? '']),
        )
      : muted('No provider attempt yet.'),
    why.redrives?.length ? h('p', {}, `Redriven ${plural(why.redrives.length, 'time')}: `, why.redrives.map((r) => `${r.redriveId} at ${time(r.at)}`).join(', ')) : '',
  );
}

export async function notification(id) {
  page(`Notification ${id}`, muted('Loading…'));
  const [n, why, events] = await Promise.all([
    api('GET', `/v1/notifications/${id}`),
    api('GET', `/v1/notifications/${id}/why`).catch((e) => ({ error: e.message })),
    api('GET', `/v1/notifications/${id}/events`),
  ]);
  const siblings = n.eventId ? (await api('GET', `/v1/events/${encodeURIComponent(n.eventId)}/notifications`).catch(() => ({ items: [] }))).items : [];
  const template = n.templateVersion !== undefined ? `${n.templateId} v${n.templateVersion}` : n.templateId;
  page(
    `Notification ${id}`,
    facts([
      ['Status', status(n.status)],
      ['User', userLink(n.userId)],
      ['Channel', channel(n.channel)],
      ['Event', link(`#/search?${new URLSearchParams({ q: n.eventId })}`, n.eventId)],
      ['Template', link(`#/templates/${encodeURIComponent(n.templateId)}`, template)],
      ['Attempts', String(n.attempts)],
      n.reason && ['Reason', n.reason],
      n.category && ['Category', n.category],
      n.scheduleAt && ['Scheduled for', time(n.scheduleAt)],
      n.archived && ['Stored', 'archived (moved out of the hot log under retention)'],
    ]),
    h('h2', {}, 'Fallbacks and digests'),
    related(n, siblings),
    h('h2', {}, 'Timeline'),
    h(
      'ol',
      { id: 'timeline' },
      n.timeline.map((t) => h('li', {}, `${time(t.at)} — ${t.type}`)),
    ),
    h('h2', {}, 'Why'),
    whyBlock(why),
    h('h2', {}, 'Raw events'),
    h(
      'details',
      {},
      h('summary', {}, plural(events.events.length, 'event')),
      h('pre', { tabindex: '0', 'aria-label': 'raw events as JSON' }, JSON.stringify(events.events, null, 2)),
    ),
  );
}
