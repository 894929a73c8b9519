import { channel, notificationLink, status, table, time, userLink } from './dom.js';

/** Notifications as a table, each linking to its own page and its user's. */
export function feedTable(items, { withUser = true } = {}) {
  const headers = ['Requested', 'Notification', ...(withUser ? ['User'] : []), 'Channel', 'Template', 'Status'];
  return table(
    headers,
    items.map((n) => [time(n.requestedAt), notificationLink(n.id), ...(withUser ? [userLink(n.userId)] : []), channel(n.channel), n.templateId, status(n.status)]),
    { class: 'stack feed' },
  );
}
