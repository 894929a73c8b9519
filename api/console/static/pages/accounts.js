// Accounts (admins): the operators and their roles, and the apps. Every change here is an event
// naming the admin who made it (the Audit page lists them).
import { api } from '../lib/api.js';
import { failure, h, status, table, time } from '../lib/dom.js';
import { can, session } from '../lib/operator.js';
import { page } from '../lib/shell.js';

const ROLES = ['viewer', 'operator', 'admin'];

/** A secret shown once (a generated password, a new app's secret): copy it now. */
const once = (label, value) => h('p', { role: 'status' }, `${label} (shown once): `, h('code', {}, value));

/** `notice`: what the last action said (a password shown once), kept when the lists are read again. */
export async function accounts(notice) {
  if (!can('admin')) {
    page('Accounts', h('p', { class: 'muted' }, 'Managing apps and operators needs the admin role.'));
    return;
  }
  const out = h('div', { id: 'accounts-result' }, notice ?? null);
  const [operators, apps] = await Promise.all([api('GET', '/console/operators'), api('GET', '/console/apps')]);
  const act = (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      out.replaceChildren(failure(e));
    }
  };
  // The read model follows the log: the lists are read again a moment later, the notice kept.
  const refresh = () => setTimeout(() => accounts(out.firstChild ?? undefined).catch(() => {}), 600);

  const me = session()?.operator.operatorId;
  const operatorRows = operators.items.map((o) => {
    const role = h(
      'select',
      { 'aria-label': `Role of ${o.name}` },
      ROLES.map((r) => h('option', { value: r, selected: r === o.role }, r)),
    );
    role.addEventListener(
      'change',
      act(async () => {
        await api('PUT', `/console/operators/${o.id}/role`, { role: role.value });
        out.replaceChildren(h('p', { role: 'status' }, `${o.name} is now ${role.value}.`));
      }),
    );
    const toggle =
      o.status === 'active'
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              disabled: o.id === me,
              onclick: act(async () => {
                await api('POST', `/console/operators/${o.id}/disable`);
                refresh();
              }),
            },
            'Disable',
          )
        : h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: act(async () => {
                await api('POST', `/console/operators/${o.id}/enable`);
                refresh();
              }),
            },
            'Enable',
          );
    const reset = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: act(async () => {
          const r = await api('POST', `/console/operators/${o.id}/password`);
          out.replaceChildren(once(`New password of ${o.name}`, r.password));
        }),
      },
      'New password',
    );
    return [o.name, role, status(o.status), o.totp ? 'on' : 'off', time(o.createdAt), h('span', {}, toggle, ' ', reset)];
  });
  const email = h('input', { type: 'email', name: 'new-email', required: true });
  const newRole = h(
    'select',
    { name: 'new-role' },
    ROLES.map((r) => h('option', { value: r }, r)),
  );
  const create = h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        act(async () => {
          const r = await api('POST', '/console/operators', { email: email.value.trim(), role: newRole.value });
          out.replaceChildren(once(`Password of ${r.email}`, r.password));
          refresh();
        })();
      },
    },
    h('label', {}, 'New operator email', email),
    h('label', {}, 'Role', newRole),
    h('button', { type: 'submit' }, 'Create operator'),
  );

  const appRows = apps.items.map((a) => [a.name, h('code', {}, a.id), status(a.status), time(a.createdAt)]);
  const appName = h('input', { name: 'app-name', required: true });
  const createApp = h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        act(async () => {
          const r = await api('POST', '/console/apps', { name: appName.value.trim() });
          out.replaceChildren(once(`App ${r.appKey}, secret`, r.appSecret));
          refresh();
        })();
      },
    },
    h('label', {}, 'New app name', appName),
    h('button', { type: 'submit' }, 'Create app'),
  );

  page(
    'Accounts',
    out,
    h('h2', {}, 'Operators'),
    create,
    table(['Email', 'Role', 'Status', 'TOTP', 'Created', 'Actions'], operatorRows),
    h('h2', {}, 'Apps'),
    createApp,
    table(['Name', 'App key', 'Status', 'Created'], appRows),
  );
}
