// The page registry: one entry per page. `match` takes the path of the hash (`#/failed?x=1` ->
// `/failed`) and returns whether the page is the one asked for; `render(path, params)` draws it;
// `nav` (optional) puts a link in the header. A new page (an audit page, say) is one module under
// pages/ and one entry here.
import { accounts } from './pages/accounts.js';
import { activity } from './pages/activity.js';
import { analytics } from './pages/analytics.js';
import { audit } from './pages/audit.js';
import { failed } from './pages/failed.js';
import { health } from './pages/health.js';
import { notification } from './pages/notification.js';
import { search } from './pages/search.js';
import { template, templateList } from './pages/templates.js';
import { user, userSearch } from './pages/users.js';

const exact = (p) => (path) => path === p;
const under = (prefix) => (path) => path.startsWith(prefix) && path.length > prefix.length;
const rest = (prefix) => (path) => decodeURIComponent(path.slice(prefix.length));

export const PAGES = [
  { match: under('/n/'), render: (path) => notification(rest('/n/')(path)) },
  { nav: { href: '#/', label: 'Activity' }, match: exact('/'), render: (_path, params) => activity(params) },
  { match: exact('/search'), render: (_path, params) => search(params) },
  { nav: { href: '#/failed', label: 'Failed & parked' }, match: exact('/failed'), render: () => failed() },
  { nav: { href: '#/analytics', label: 'Analytics' }, match: exact('/analytics'), render: () => analytics() },
  { nav: { href: '#/health', label: 'Health' }, match: exact('/health'), render: () => health() },
  // `#/templates?id=x` was the old address of one template: it still opens it.
  { nav: { href: '#/templates', label: 'Templates' }, match: exact('/templates'), render: (_path, params) => (params.get('id') ? template(params.get('id')) : templateList()) },
  { match: under('/templates/'), render: (path) => template(rest('/templates/')(path)) },
  { nav: { href: '#/users', label: 'Users' }, match: exact('/users'), render: () => userSearch() },
  { match: under('/users/'), render: (path) => user(rest('/users/')(path)) },
  { nav: { href: '#/audit', label: 'Audit' }, match: exact('/audit'), render: (_path, params) => audit(params) },
  { nav: { href: '#/accounts', label: 'Accounts' }, match: exact('/accounts'), render: () => accounts() },
];

/** The page for an unknown path: the activity feed. */
export const FALLBACK = PAGES[1];
