import { api } from '../lib/api.js';
import { failure, h, status, time } from '../lib/dom.js';
import { page } from '../lib/shell.js';

export async function notification(id) {
  page(`Notification ${id}`, h('p', { class: 'muted' }, 'Loading…'));
  const [n, why, events] = await Promise.all([
    api('GET', `/v1/notifications/${id}`),
    api('GET', `/v1/notifications/${id}/why`).catch((e) => ({ error: e.message })),
    api('GET', `/v1/notifications/${id}/events`),
  ]);
  const facts = h('table', { class: 'card' }, [['Status', status(n.status)], ['User', n.userId], ['Channel', n.channel], ['Event', n.eventId], ['Template', `${n.templateId} v${n.templateVersion ?? '?'}`], ['Attempts', n.attempts], ['Reason', n.reason ?? '']].map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
  const timeline = h('ol', {}, n.timeline.map((t) => h('li', {}, `${time(t.at)} — ${t.type}`)));
  const whyBlock = why.error
    ? failure(why.error)
    : h('div', { id: 'why' },
        h('p', {}, 'Decision: ', h('strong', {}, why.decision.outcome), why.decision.reason ? ` (${why.decision.reason})` : '', h('span', { class: 'muted' }, ` as of log position ${why.decision.asOf?.position} at ${time(why.decision.asOf?.at)}`)),
        h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, ''), h('th', {}, 'Detail'))), h('tbody', {}, why.decision.reasons.map((r) => h('tr', {}, h('td', {}, r.check), h('td', { class: r.passed ? 'pass' : 'fail' }, r.passed ? 'passed' : 'stopped'), h('td', {}, r.detail))))),
        h('h2', {}, 'Attempts'),
        why.attempts.length
          ? h('table', {}, h('thead', {}, h('tr', {}, ['#', 'At', 'Provider', 'Result', 'Classified', 'Code', 'Message'].map((t) => h('th', {}, t)))), h('tbody', {}, why.attempts.map((a) => h('tr', {}, h('td', {}, a.attempt ?? ''), h('td', {}, time(a.at)), h('td', {}, a.provider ?? ''), h('td', {}, status(a.result)), h('td', {}, a.classification), h('td', {}, a.code ?? ''), h('td', {}, a.message ?? '')))))
          : h('p', { class: 'muted' }, 'No provider attempt yet.'),
        why.redrives?.length ? h('p', {}, `Redriven ${why.redrives.length} time(s): `, why.redrives.map((r) => `${r.redriveId} at ${time(r.at)}`).join(', ')) : '');
  page(`Notification ${id}`, facts, h('h2', {}, 'Timeline'), timeline, h('h2', {}, 'Why'), whyBlock, h('h2', {}, 'Raw events'), h('details', {}, h('summary', {}, `${events.events.length} events`), h('pre', {}, JSON.stringify(events.events, null, 2))));
}
