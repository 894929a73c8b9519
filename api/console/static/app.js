// The operators' console: small ES modules over the public /v1 API (no framework, no build).
// This module boots it: the session probe, the router over the page registry (pages.js), sign-out.
import { api, newView, setCsrf, signedIn, whenUnauthorized } from './lib/api.js';
import { failure } from './lib/dom.js';
import { forgetOperator, showOperator } from './lib/operator.js';
import { leave, main, nav, renderNav } from './lib/shell.js';
import { FALLBACK, PAGES } from './pages.js';
import { signIn } from './signin.js';

async function route() {
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query ?? '');
  leave();
  newView();
  try {
    await (PAGES.find((p) => p.match(path)) ?? FALLBACK).render(path, params);
  } catch (e) {
    if (e.message !== 'signed out') main.append(failure(e));
  }
}

/** Signed in: who and which app in the header, then the page asked for. */
const enter = async (session) => {
  await showOperator(session, route);
  await route();
};

/** The sign-in form, after the page shown has stopped its timers (auto-refresh would call the API signed out). */
const showSignIn = (message) => {
  leave();
  forgetOperator();
  signIn(message, enter);
};

renderNav(PAGES.filter((p) => p.nav).map((p) => p.nav));
whenUnauthorized(() => showSignIn());

document.getElementById('signout').addEventListener('click', async () => {
  await api('DELETE', '/console/session').catch(() => {});
  setCsrf('');
  showSignIn('Signed out.');
});
window.addEventListener('hashchange', () => {
  if (signedIn()) route();
});

let probe;
try {
  probe = await api('GET', '/console/session');
} catch {
  showSignIn();
}
if (probe) {
  setCsrf(probe.csrf);
  nav.hidden = false;
  await enter(probe);
}
