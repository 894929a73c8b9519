// The operators' console: small ES modules over the public /v1 API (no framework, no build).
// This module boots it: the session probe, the router over the page registry (pages.js), sign-out.
import { api, setCsrf, signedIn, whenUnauthorized } from './lib/api.js';
import { failure } from './lib/dom.js';
import { main, nav, renderNav } from './lib/shell.js';
import { FALLBACK, PAGES } from './pages.js';
import { signIn } from './signin.js';

async function route() {
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query ?? '');
  try {
    await (PAGES.find((p) => p.match(path)) ?? FALLBACK).render(path, params);
  } catch (e) {
    if (e.message !== 'signed out') main.append(failure(e));
  }
}

renderNav(PAGES.filter((p) => p.nav).map((p) => p.nav));
whenUnauthorized(() => signIn(undefined, route));

document.getElementById('signout').addEventListener('click', async () => {
  await api('DELETE', '/console/session').catch(() => {});
  setCsrf('');
  signIn('Signed out.', route);
});
window.addEventListener('hashchange', () => { if (signedIn()) route(); });

try {
  setCsrf((await api('GET', '/console/session')).csrf);
  nav.hidden = false;
  await route();
} catch {
  signIn(undefined, route);
}
