// The page registry: one entry per page. `match` takes the path of the hash (`#/failed?x=1` ->
// `/failed`) and returns the arguments of `render` when the page is the one asked for; `nav`
// (optional) puts a link in the header. A new page (an audit page, say) is one module under
// pages/ and one entry here.
import { activity } from './pages/activity.js';
import { analytics } from './pages/analytics.js';
import { failed } from './pages/failed.js';
import { health } from './pages/health.js';
import { notification } from './pages/notification.js';
import { templates } from './pages/templates.js';

const exact = (p) => (path) => path === p;

export const PAGES = [
  { match: (path) => path.startsWith('/n/'), render: (path) => notification(decodeURIComponent(path.slice(3))) },
  { nav: { href: '#/', label: 'Activity' }, match: exact('/'), render: (_path, params) => activity(params) },
  { nav: { href: '#/failed', label: 'Failed & parked' }, match: exact('/failed'), render: () => failed() },
  { nav: { href: '#/analytics', label: 'Analytics' }, match: exact('/analytics'), render: () => analytics() },
  { nav: { href: '#/health', label: 'Health' }, match: exact('/health'), render: () => health() },
  { nav: { href: '#/templates', label: 'Templates' }, match: exact('/templates'), render: (_path, params) => templates(params) },
];

/** The page for an unknown path: the activity feed, as before. */
export const FALLBACK = PAGES[1];
