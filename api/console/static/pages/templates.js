import { api } from '../lib/api.js';
import { failure, h, status, time } from '../lib/dom.js';
import { page } from '../lib/shell.js';

export async function templates(params) {
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
