// DOM helpers shared by every page. Everything shown is built with DOM nodes and textContent:
// nothing from the API is parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export const svg = (tag, attrs = {}, ...children) => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};

export const status = (s) => h('span', { class: `status s-${s}` }, s);
/** A channel name with its colour as a swatch (the text itself stays at full contrast). */
export const channel = (c) => h('span', { class: 'chan' }, h('span', { class: `swatch c-${c}`, 'aria-hidden': 'true' }), c);
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
export const pct = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
export const failure = (e) => h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e));
export const muted = (text) => h('p', { class: 'muted' }, text);
export const link = (href, text) => h('a', { href }, text);
export const userLink = (userId) => (userId ? link(`#/users/${encodeURIComponent(userId)}`, userId) : '');
export const notificationLink = (id, text = id.slice(0, 8)) => link(`#/n/${id}`, text);

/**
 * A table whose cells carry their column's name: below 640 px wide each row stacks into a card
 * (app.css), so no table runs off a phone's screen.
 */
export function table(headers, rows, attrs = {}) {
  return h(
    'table',
    { class: 'stack', ...attrs },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c, i) => h('td', { 'data-label': headers[i] || undefined }, c)),
        ),
      ),
    ),
  );
}
