// Who is signed in: the operator, their role, and the app the console looks at. Pages ask `can`
// before offering an action the role does not allow (the API refuses it anyway: 403).
import { api } from './api.js';
import { h } from './dom.js';
import { nav } from './shell.js';

const RANK = { viewer: 0, operator: 1, admin: 2 };
let current;

export const session = () => current;
export const can = (role) => current !== undefined && RANK[current.operator.role] >= RANK[role];

/** Records the session and shows, before Sign out, the operator and a picker of the app to look at. */
export async function showOperator(s, onAppChange) {
  current = s;
  const controls = nav.querySelector('[data-nav-controls]');
  nav.querySelector('.who')?.remove();
  const apps = await api('GET', '/console/apps')
    .then((r) => r.items.filter((a) => a.status === 'active'))
    .catch(() => []);
  const picker = h(
    'select',
    {
      'aria-label': 'App',
      onchange: async () => {
        await api('PUT', '/console/session/app', { appId: picker.value });
        current = { ...current, appId: picker.value };
        onAppChange();
      },
    },
    apps.map((a) => h('option', { value: a.id, selected: a.id === s.appId }, `${a.name} (${a.id.slice(0, 12)}…)`)),
  );
  nav.insertBefore(
    h('span', { class: 'who' }, h('span', { class: 'muted' }, `${s.operator.email} · ${s.operator.role}`), apps.length > 0 ? picker : h('span', { class: 'muted' }, 'no app yet')),
    controls,
  );
}

export function forgetOperator() {
  current = undefined;
  nav.querySelector('.who')?.remove();
}
