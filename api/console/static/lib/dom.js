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

export const status = (s) => h('span', { class: `status ${s}` }, s);
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
export const pct = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
export const failure = (e) => h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e));
