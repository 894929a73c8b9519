import { api } from '../lib/api.js';
import { failure, h, link, muted, status, table, time } from '../lib/dom.js';
import { can } from '../lib/operator.js';
import { page } from '../lib/shell.js';

const openForm = (value = '') => {
  const id = h('input', { name: 'templateId', value, required: true, autocomplete: 'off' });
  return h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/templates/${encodeURIComponent(id.value.trim())}`;
      },
    },
    h('label', {}, 'Template id', id),
    h('button', { type: 'submit' }, 'Open'),
  );
};

/** The app's templates (GET /v1/templates: the read model, so one just published may take a moment). */
export async function templateList() {
  const out = h('div', { id: 'template-list' }, muted('Loading…'));
  page('Templates', openForm(), out);
  const data = await api('GET', '/v1/templates').catch((e) => ({ error: e }));
  if (data.error) return out.replaceChildren(failure(data.error));
  if (!data.items.length) return out.replaceChildren(muted('No template yet: publish one with PUT /v1/templates/<id>.'));
  out.replaceChildren(
    table(
      ['Template', 'Version', 'Parts', 'Locales', 'Params', 'Published'],
      data.items.map((t) => [
        link(`#/templates/${encodeURIComponent(t.templateId)}`, t.templateId),
        `v${t.version}`,
        t.parts.join(', '),
        t.locales.join(', ') || '–',
        t.requiredParams.join(', ') || '–',
        time(t.publishedAt),
      ]),
    ),
    data.truncated ? muted('Only the first templates by id are listed: open another by its id above.') : '',
  );
}

/** The email's HTML as a mail client would show it: in a sandboxed frame (no script, no same origin, no navigation). */
const emailFrame = (html) => h('iframe', { class: 'email', sandbox: '', srcdoc: html, title: 'email preview', referrerpolicy: 'no-referrer' });

function renderedPart(part, fields) {
  const rows = Object.entries(fields).filter(([k]) => !(part === 'email' && k === 'html'));
  return h(
    'div',
    { class: 'card', 'data-part': part },
    h('h2', {}, part),
    rows.map(([k, v]) => h('div', {}, h('div', { class: 'muted' }, k), h('div', { class: 'preview' }, v))),
    part === 'email' && fields.html !== undefined
      ? [
          h('div', { class: 'muted' }, 'html (rendered)'),
          emailFrame(fields.html),
          h('details', {}, h('summary', {}, 'HTML source'), h('pre', { tabindex: '0', 'aria-label': 'email HTML source' }, fields.html)),
        ]
      : '',
  );
}

/** One template: its latest version rendered with sample params in a chosen locale, and a test send. */
export async function template(templateId) {
  const out = h('div', {}, muted('Loading…'));
  page(`Template ${templateId}`, h('p', {}, link('#/templates', 'All templates')), out);
  const t = await api('GET', `/v1/templates/${encodeURIComponent(templateId)}`).catch((e) => ({ error: e }));
  if (t.error) return out.replaceChildren(failure(t.error));
  const sample = Object.fromEntries(t.requiredParams.map((p) => [p, p === 'name' ? 'Ada' : `<${p}>`]));
  const paramsI = h('textarea', { name: 'params', rows: 3 }, JSON.stringify(sample));
  const locales = Object.keys(t.content.locales ?? {}).sort();
  const localeI = h(
    'select',
    { name: 'locale' },
    h('option', { value: '' }, 'default'),
    locales.map((l) => h('option', { value: l }, l)),
  );
  const preview = h('div', { id: 'preview' });
  const params = () => {
    try {
      return JSON.parse(paramsI.value || '{}');
    } catch {
      throw new Error('Params must be JSON, such as {"name": "Ada"}.');
    }
  };
  const render = async () => {
    const r = await api('POST', `/v1/templates/${encodeURIComponent(templateId)}/preview`, { params: params(), ...(localeI.value && { locale: localeI.value }) });
    preview.replaceChildren(
      r.missingParams.length ? h('p', { class: 'error' }, `missing params: ${r.missingParams.join(', ')}`) : '',
      ...Object.entries(r.rendered).map(([part, fields]) => renderedPart(part, fields)),
    );
  };
  const userI = h('input', { name: 'userId', autocomplete: 'off' });
  const sent = h('div', { role: 'status' });
  const send = async () => {
    const r = await api('POST', '/v1/notifications', { eventId: `console-test-${Date.now()}`, userId: userI.value.trim(), templateId, params: params() });
    sent.replaceChildren(
      h(
        'ul',
        {},
        r.notifications.map((n) => h('li', {}, h('a', { href: `#/n/${n.id}` }, `${n.channel}: ${n.id}`), ' ', status(n.status))),
      ),
    );
  };
  const showError = (target) => (e) => target.replaceChildren(failure(e));
  localeI.addEventListener('change', () => render().catch(showError(preview)));
  out.replaceChildren(
    h(
      'p',
      {},
      `Version ${t.version}, published ${time(t.publishedAt)}; params: ${t.requiredParams.join(', ') || 'none'}; parts: `,
      ['email', 'sms', 'push', 'inapp', 'chat'].filter((p) => t.content[p]).join(', '),
    ),
    h('label', {}, 'Params (JSON)', paramsI),
    h(
      'div',
      { class: 'row' },
      h('label', {}, 'Locale', localeI),
      h('button', { type: 'button', onclick: () => render().catch(showError(preview)) }, 'Preview'),
      can('operator')
        ? [h('label', {}, 'Test send to user', userI), h('button', { type: 'button', class: 'secondary', onclick: () => send().catch(showError(sent)) }, 'Send test')]
        : null,
    ),
    sent,
    preview,
  );
  await render().catch(showError(preview));
}
