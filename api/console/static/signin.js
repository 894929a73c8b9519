// Sign in with an app's key and secret.
import { api, setCsrf } from './lib/api.js';
import { h } from './lib/dom.js';
import { main, nav } from './lib/shell.js';

/** Shows the sign-in form; `then` runs once signed in (the boot module routes to the page asked for). */
export function signIn(message, then) {
  nav.hidden = true;
  const key = h('input', { name: 'appKey', autocomplete: 'username', required: true, size: 34 });
  const secret = h('input', { name: 'appSecret', type: 'password', autocomplete: 'current-password', required: true, size: 34 });
  const out = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'card signin', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const s = await api('POST', '/console/session', { appKey: key.value.trim(), appSecret: secret.value });
      setCsrf(s.csrf);
      nav.hidden = false;
      then();
    } catch (err) {
      out.textContent = err.message;
    }
  } }, h('h1', {}, 'Sign in'), h('p', { class: 'muted' }, "With an app's key and secret (notify apps create <name>)."), h('label', {}, 'App key', key), h('label', {}, 'App secret', secret), h('button', { type: 'submit' }, 'Sign in'), out);
  main.replaceChildren(form);
}
