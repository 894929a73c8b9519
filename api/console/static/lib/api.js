// The /v1 API as the console calls it. The session cookie (HttpOnly) authenticates; state-changing
// calls carry the session's CSRF token.

let csrf = '';
let onUnauthorized = () => {};

export const setCsrf = (token) => void (csrf = token);
export const signedIn = () => csrf !== '';
/** What a 401 from any route but the session's own does (the boot module shows the sign-in form). */
export const whenUnauthorized = (fn) => void (onUnauthorized = fn);

let view = 0;
/**
 * A new page is being shown: answers to calls made for the previous one never settle, so a slow
 * page cannot render over the one that replaced it (a late `page()` after its await).
 */
export const newView = () => void (view += 1);

export async function api(method, path, body) {
  const madeFor = view;
  const stale = () => madeFor !== view;
  try {
    const answer = await call(method, path, body);
    return stale() ? new Promise(() => {}) : answer;
  } catch (e) {
    if (stale()) return new Promise(() => {});
    throw e;
  }
}

async function call(method, path, body) {
  // The session this call was made in: a late answer from a session that has since ended (a
  // page's timer firing after sign-out) must not send the next operator back to the sign-in form.
  const asked = csrf;
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (res.status === 401 && !path.startsWith('/console/session')) {
    if (asked === csrf) onUnauthorized();
    throw new Error('signed out');
  }
  if (!res.ok) throw Object.assign(new Error(data?.message ?? `${method} ${path}: ${res.status}`), { code: data?.error, status: res.status });
  return data;
}
