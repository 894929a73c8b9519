// The operators' console: a small ES module over the public /v1 API (no framework, no build).
// The session cookie (HttpOnly) authenticates; state-changing calls carry the session's CSRF token.
// Everything shown is built with DOM nodes and textContent: nothing from the API is parsed as HTML.

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let csrf = '';

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
const svg = (tag, attrs = {}, ...children) => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};
const status = (s) => h('span', { class: `status ${s}` }, s);
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const pct = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (res.status === 401 && !path.startsWith('/console/session')) {
    signIn();
    throw new Error('signed out');
  }
  if (!res.ok) throw new Error(data?.message ?? `${method} ${path}: ${res.status}`);
  return data;
}

function page(title, ...children) {
  main.replaceChildren(h('h1', {}, title), ...children);
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', location.hash === a.getAttribute('href') || (a.getAttribute('href') === '#/' && location.hash === ''));
}
const failure = (e) => h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e));

// ---- sign in ----------------------------------------------------------------------------------

function signIn(message) {
  nav.hidden = true;
  const key = h('input', { name: 'appKey', autocomplete: 'username', required: true, size: 34 });
  const secret = h('input', { name: 'appSecret', type: 'password', autocomplete: 'current-password', required: true, size: 34 });
  const out = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'card signin', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const s = await api('POST', '/console/session', { appKey: key.value.trim(), appSecret: secret.value });
      csrf = s.csrf;
      nav.hidden = false;
      route();
    } catch (err) {
      out.textContent = err.message;
    }
  } }, h('h1', {}, 'Sign in'), h('p', { class: 'muted' }, "With an app's key and secret (notify apps create <name>)."), h('label', {}, 'App key', key), h('label', {}, 'App secret', secret), h('button', { type: 'submit' }, 'Sign in'), out);
  main.replaceChildren(form);
}

// ---- activity -----------------------------------------------------------------------------------

function feedTable(items) {
  return h('table', {}, h('thead', {}, h('tr', {}, ['Requested', 'Notification', 'User', 'Channel', 'Template', 'Status'].map((t) => h('th', {}, t)))),
    h('tbody', {}, items.map((n) => h('tr', {}, h('td', {}, time(n.requestedAt)), h('td', {}, h('a', { href: `#/n/${n.id}` }, n.id.slice(0, 8))), h('td', {}, n.userId ?? ''), h('td', {}, n.channel), h('td', {}, n.templateId), h('td', {}, status(n.status))))));
}

async function activity(params) {
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

// ---- one notification ---------------------------------------------------------------------------

async function notification(id) {
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

// ---- failed, parked, redrive --------------------------------------------------------------------

async function failed() {
  const to = new Date(Date.now() + 60_000);
  const from = new Date(to.getTime() - 24 * 3_600_000);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const fromI = h('input', { type: 'datetime-local', name: 'from', value: local(from) });
  const toI = h('input', { type: 'datetime-local', name: 'to', value: local(to) });
  const ch = h('select', { name: 'channel' }, h('option', { value: '' }, 'every channel'), ['ios', 'android', 'sms', 'email'].map((c) => h('option', { value: c }, c)));
  const out = h('div', { id: 'redrive-result', role: 'status' });
  const request = (dryRun) => ({ status: 'failed', from: new Date(fromI.value).toISOString(), to: new Date(toI.value).toISOString(), ...(ch.value ? { channel: ch.value } : {}), dryRun });
  const go = h('button', { type: 'button', disabled: true, onclick: async () => {
    go.disabled = true;
    try {
      const r = await api('POST', '/v1/redrive', request(false));
      out.replaceChildren(h('p', {}, `Redrive ${r.id}: ${r.redriven} of ${r.matched} notifications sent again${r.repeated ? ' (this redrive had already run: nothing new)' : ''}. Parked copies stay for an operator (npx notify redrive).`));
      setTimeout(() => list().catch(() => {}), 1500);
    } catch (e) {
      out.replaceChildren(failure(e));
    }
  } }, 'Redrive');
  const dry = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      const r = await api('POST', '/v1/redrive', request(true));
      out.replaceChildren(h('p', {}, `Dry run: ${r.matched} failed notifications match. Nothing was changed.`));
      go.disabled = r.matched === 0;
    } catch (e) {
      out.replaceChildren(failure(e));
    }
  } }, 'Dry run');
  const table = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const list = async () => {
    const data = await api('GET', '/v1/notifications?status=failed&limit=50');
    table.replaceChildren(data.items.length ? feedTable(data.items) : h('p', { class: 'muted' }, 'No failed notifications.'));
  };
  page('Failed & parked', h('div', { class: 'card' }, h('h2', {}, 'Redrive a window'), h('p', { class: 'muted' }, 'Failed notifications in the window get a new attempt under the same id. A dry run comes first.'), h('div', { class: 'row' }, h('label', {}, 'From', fromI), h('label', {}, 'To', toI), h('label', {}, 'Channel', ch), dry, go), out), h('h2', {}, 'Failed notifications'), table);
  await list().catch((e) => table.replaceChildren(failure(e)));
}

// ---- analytics ----------------------------------------------------------------------------------

function bars(rows) {
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const w = 520, bh = 22;
  return svg('svg', { width: w, height: rows.length * (bh + 6), role: 'img', 'aria-label': 'funnel' }, rows.map(([label, v], i) => [
    svg('rect', { x: 110, y: i * (bh + 6), width: Math.max(1, ((w - 180) * v) / max), height: bh, fill: '#2b59c3', opacity: 1 - i * 0.12 }),
    svg('text', { x: 0, y: i * (bh + 6) + 15 }, label),
    svg('text', { x: 116 + ((w - 180) * v) / max, y: i * (bh + 6) + 15 }, v),
  ]));
}

function lines(buckets) {
  const groups = [...new Set(buckets.map((b) => b.group))];
  const starts = [...new Set(buckets.map((b) => b.start))].sort();
  const w = 560, hgt = 200, pad = 30;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const x = (i) => pad + (starts.length <= 1 ? 0 : ((w - 2 * pad) * i) / (starts.length - 1));
  const y = (v) => hgt - pad - ((hgt - 2 * pad) * v) / max;
  const colors = ['#2b59c3', '#1f8a4c', '#c0392b', '#c77c02', '#7d3c98'];
  return svg('svg', { width: w, height: hgt + 20 * groups.length, role: 'img', 'aria-label': 'time series' },
    svg('line', { x1: pad, y1: hgt - pad, x2: w - pad, y2: hgt - pad, stroke: '#ccc' }),
    svg('text', { x: 0, y: pad }, max), svg('text', { x: 0, y: hgt - pad }, 0),
    starts.length ? [svg('text', { x: pad, y: hgt - 10 }, new Date(starts[0]).toLocaleString()), svg('text', { x: w - pad - 120, y: hgt - 10 }, new Date(starts.at(-1)).toLocaleString())] : [],
    groups.map((g, gi) => {
      const pts = starts.map((s, i) => `${x(i)},${y(buckets.find((b) => b.start === s && b.group === g)?.total ?? 0)}`).join(' ');
      const dots = starts.map((s, i) => svg('circle', { cx: x(i), cy: y(buckets.find((b) => b.start === s && b.group === g)?.total ?? 0), r: 3, fill: colors[gi % colors.length] }));
      return [svg('polyline', { points: pts, fill: 'none', stroke: colors[gi % colors.length], 'stroke-width': 2 }), dots, svg('text', { x: pad, y: hgt + 14 + gi * 18, fill: colors[gi % colors.length] }, `— ${g || '(none)'}`)];
    }));
}

async function analytics() {
  const to = new Date(Date.now() + 60_000).toISOString();
  const from = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const [s, ts] = await Promise.all([api('GET', `/v1/analytics/summary?from=${from}&to=${to}`), api('GET', `/v1/analytics/timeseries?from=${from}&to=${to}&interval=hour&groupBy=channel`)]);
  const funnel = [['requested', s.total], ['sent', (s.byStatus.sent ?? 0) + (s.byStatus.delivered ?? 0)], ['delivered', s.delivered], ['opened', s.opened], ['clicked', s.clicked], ['converted', s.converted]];
  page('Analytics (last 24 hours)',
    h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('h2', {}, 'Funnel'), bars(funnel), h('p', { class: 'muted' }, `delivery ${pct(s.deliveryRate)} · open ${pct(s.openRate)} · click ${pct(s.clickRate)} · conversion ${pct(s.conversionRate)}`)),
      h('div', { class: 'card' }, h('h2', {}, 'Notifications per hour, by channel'), lines(ts.buckets))),
    h('h2', {}, 'By status'), h('table', {}, h('tbody', {}, Object.entries(s.byStatus).map(([k, v]) => h('tr', {}, h('td', {}, status(k)), h('td', {}, v))))),
    h('p', {}, h('a', { href: `/v1/analytics/timeseries?from=${from}&to=${to}&interval=hour&groupBy=channel&format=csv` }, 'Download the time series as CSV')));
}

// ---- health -------------------------------------------------------------------------------------

async function health() {
  const s = await api('GET', '/v1/ops/status');
  page('Provider and queue health',
    h('h2', {}, 'Channels'), h('table', {}, h('thead', {}, h('tr', {}, ['Channel', 'State'].map((t) => h('th', {}, t)))), h('tbody', {}, s.channels.map((c) => h('tr', {}, h('td', {}, c.channel), h('td', {}, status(c.state)))))),
    h('h2', {}, 'Channel alerts'), s.alerts.length ? h('ul', {}, s.alerts.map((a) => h('li', { class: 'fail' }, `${a.kind}: ${a.subject} since ${time(a.since)}`))) : h('p', { class: 'pass' }, 'No alert raised.'),
    h('p', { class: 'muted' }, 'Queue depths and the counts of all apps together are for operators: /metrics on the ops port.'),
    h('h2', {}, 'Lag behind the log'), h('p', {}, `dispatcher: ${s.lag.dispatcher ?? '–'} events; `, Object.entries(s.lag.projections).map(([k, v]) => `${k}: ${v}`).join(', ')),
    h('p', { class: 'muted' }, `as of ${time(s.at)}`));
}

// ---- templates ----------------------------------------------------------------------------------

async function templates(params) {
  const id = h('input', { name: 'templateId', value: params.get('id') ?? '', placeholder: 'template id', required: true });
  const out = h('div', {});
  page('Templates', h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); location.hash = `#/templates?id=${encodeURIComponent(id.value.trim())}`; } }, h('label', {}, 'Template', id), h('button', { type: 'submit' }, 'Open')), out);
  const templateId = params.get('id');
  if (!templateId) return;
  const t = await api('GET', `/v1/templates/${encodeURIComponent(templateId)}`).catch((e) => ({ error: e }));
  if (t.error) return out.replaceChildren(failure(t.error));
  const sample = Object.fromEntries(t.requiredParams.map((p) => [p, p === 'name' ? 'Ada' : `<${p}>`]));
  const paramsI = h('textarea', { name: 'params', rows: 3, cols: 60 }, JSON.stringify(sample));
  const preview = h('div', { id: 'preview' });
  const render = async () => {
    const r = await api('POST', `/v1/templates/${encodeURIComponent(templateId)}/preview`, { params: JSON.parse(paramsI.value || '{}') });
    preview.replaceChildren(...Object.entries(r.rendered).map(([part, fields]) => h('div', { class: 'card' }, h('h2', {}, part), Object.entries(fields).map(([k, v]) => h('div', {}, h('div', { class: 'muted' }, k), h('div', { class: 'preview' }, v))))), r.missingParams.length ? h('p', { class: 'error' }, `missing params: ${r.missingParams.join(', ')}`) : '');
  };
  const userI = h('input', { name: 'userId', placeholder: 'user id' });
  const sent = h('div', { role: 'status' });
  const send = async () => {
    const r = await api('POST', '/v1/notifications', { eventId: `console-test-${Date.now()}`, userId: userI.value.trim(), templateId, params: JSON.parse(paramsI.value || '{}') });
    sent.replaceChildren(h('ul', {}, r.notifications.map((n) => h('li', {}, h('a', { href: `#/n/${n.id}` }, `${n.channel}: ${n.id}`), ' ', status(n.status)))));
  };
  out.replaceChildren(h('p', {}, `Version ${t.version}, published ${time(t.publishedAt)}; params: ${t.requiredParams.join(', ') || 'none'}`),
    h('label', {}, 'Params (JSON)', paramsI), h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => render().catch((e) => preview.replaceChildren(failure(e))) }, 'Preview'), h('label', {}, 'Test send to', userI), h('button', { type: 'button', class: 'secondary', onclick: () => send().catch((e) => sent.replaceChildren(failure(e))) }, 'Send test')), sent, preview);
  await render().catch((e) => preview.replaceChildren(failure(e)));
}

// ---- routing ------------------------------------------------------------------------------------

async function route() {
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query ?? '');
  try {
    if (path.startsWith('/n/')) await notification(decodeURIComponent(path.slice(3)));
    else if (path === '/failed') await failed();
    else if (path === '/analytics') await analytics();
    else if (path === '/health') await health();
    else if (path === '/templates') await templates(params);
    else await activity(params);
  } catch (e) {
    if (e.message !== 'signed out') main.append(failure(e));
  }
}

document.getElementById('signout').addEventListener('click', async () => {
  await api('DELETE', '/console/session').catch(() => {});
  csrf = '';
  signIn('Signed out.');
});
window.addEventListener('hashchange', () => { if (csrf) route(); });

try {
  csrf = (await api('GET', '/console/session')).csrf;
  nav.hidden = false;
  await route();
} catch {
  signIn();
}
