import { h, status, time } from './dom.js';

/** Notifications as a table, each linking to its own page. */
export function feedTable(items) {
  return h('table', {}, h('thead', {}, h('tr', {}, ['Requested', 'Notification', 'User', 'Channel', 'Template', 'Status'].map((t) => h('th', {}, t)))),
    h('tbody', {}, items.map((n) => h('tr', {}, h('td', {}, time(n.requestedAt)), h('td', {}, h('a', { href: `#/n/${n.id}` }, n.id.slice(0, 8))), h('td', {}, n.userId ?? ''), h('td', {}, n.channel), h('td', {}, n.templateId), h('td', {}, status(n.status))))));
}
