// The page frame: the main area and the nav, whose links come from the page registry (pages.js).
import { h } from './dom.js';

export const main = document.getElementById('main');
export const nav = document.getElementById('nav');

/** One link per registered page with a nav label, placed before the nav's own controls (Sign out). */
export function renderNav(entries) {
  const controls = nav.querySelector('[data-nav-controls]');
  for (const a of nav.querySelectorAll('a')) a.remove();
  for (const e of entries) nav.insertBefore(h('a', { href: e.href }, e.label), controls);
}

let teardowns = [];
/** Runs when the page is left (a timer, a listener): the router calls `leave()` before the next page. */
export const onLeave = (fn) => void teardowns.push(fn);
export function leave() {
  const fns = teardowns;
  teardowns = [];
  for (const fn of fns) fn();
}

/** The link of the current page's section: `#/n/...` belongs to none, `#/templates/x` to Templates. */
function current(href) {
  const path = (location.hash || '#/').split('?')[0];
  if (href === '#/') return path === '#/' || path === '#';
  return path === href || path.startsWith(`${href}/`);
}

export function page(title, ...children) {
  main.replaceChildren(h('h1', {}, title), ...children);
  document.title = `${title} · notify console`;
  for (const a of nav.querySelectorAll('a')) {
    const on = current(a.getAttribute('href'));
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
