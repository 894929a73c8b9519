// Sign in as an operator: email and password, and the authenticator code when the account has TOTP.
import { api, setCsrf } from './lib/api.js';
import { h } from './lib/dom.js';
import { main, nav } from './lib/shell.js';

/** Shows the sign-in form; `then(session)` runs once signed in (the boot module routes to the page asked for). */
export function signIn(message, then) {
  nav.hidden = true;
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, size: 34 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, size: 34 });
  const code = h('input', { name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, size: 8 });
  const codeLabel = h('label', { hidden: true }, 'Authenticator code', code);
  const out = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const s = await api('POST', '/console/session', { email: email.value.trim(), password: password.value, ...(code.value ? { totp: code.value.trim() } : {}) });
          setCsrf(s.csrf);
          nav.hidden = false;
          then(s);
        } catch (err) {
          if (err.code === 'totp_required') {
            codeLabel.hidden = false;
            code.focus();
          }
          out.textContent = err.message;
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'With your operator account (an admin creates it: notify operators create <email> --role viewer|operator|admin).'),
    h('label', {}, 'Email', email),
    h('label', {}, 'Password', password),
    codeLabel,
    h('button', { type: 'submit' }, 'Sign in'),
    out,
  );
  main.replaceChildren(form);
}
