// Audit: every operator action, newest first, naming who did it (GET /console/audit).
import { api } from '../lib/api.js';
import { h, link, muted, table, time } from '../lib/dom.js';
import { page } from '../lib/shell.js';

const subject = (s) => `${s.kind} ${s.name ?? s.id}`;
const details = (d) =>
  Object.entries(d)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

export async function audit(params) {
  const cursor = params.get('cursor');
  const data = await api('GET', `/console/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  const rows = data.items.map((e) => [time(e.at), e.by ? e.by.email : 'CLI (host)', e.action, subject(e.subject), e.appId ?? '', details(e.details)]);
  const parts = [
    muted('Redrives, cancels, app and operator changes, and who made them. Actions from the CLI on the host name no operator.'),
    table(['When', 'Who', 'Action', 'Subject', 'App', 'Details'], rows, { id: 'audit-log' }),
  ];
  if (rows.length === 0) parts.push(muted('Nothing yet.'));
  if (data.nextCursor) parts.push(h('p', {}, link(`#/audit?cursor=${encodeURIComponent(data.nextCursor)}`, 'Older')));
  page('Audit', ...parts);
}
