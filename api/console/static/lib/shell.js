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

export function page(title, ...children) {
  main.replaceChildren(h('h1', {}, title), ...children);
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', location.hash === a.getAttribute('href') || (a.getAttribute('href') === '#/' && location.hash === ''));
}
