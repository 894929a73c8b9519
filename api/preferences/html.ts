import { createHash } from 'node:crypto';
import { PREF_CHANNELS, type PrefChannel, type Preferences } from '../../domain/events.ts';
import { isOn } from '../../domain/preferenceCenter.ts';
import type { CategoryView } from '../../commands/categories.ts';

/**
 * The hosted preference page, rendered on the server: a plain HTML form (no script at all), one
 * fieldset per group with its legend, every checkbox with its own label, large enough to tap on a
 * 390 px phone, usable with the keyboard alone.
 */

/** A Record over every preference channel: a channel added to the domain without a label fails the type check, not the page. */
export const CHANNEL_LABELS: Record<PrefChannel, string> = {
  email: 'Email',
  sms: 'Text messages (SMS)',
  push: 'Push notifications (phone and browser)',
  inapp: 'In-app inbox',
  chat: 'Chat (Slack, Microsoft Teams, Discord)',
};
/** Inside a topic's fieldset the legend gives the context: short labels fit side by side on a phone. */
const SHORT_LABELS: Record<PrefChannel, string> = { email: 'Email', sms: 'SMS', push: 'Push', inapp: 'In-app', chat: 'Chat' };
/** The order the page lists channels in: the ones people most often turn off first; any other after them. */
const PREFERRED_ORDER: readonly string[] = ['email', 'sms', 'push', 'inapp', 'chat'];
const rank = (c: PrefChannel) => (PREFERRED_ORDER.includes(c) ? PREFERRED_ORDER.indexOf(c) : PREFERRED_ORDER.length);
const CHANNEL_ORDER: readonly PrefChannel[] = [...PREF_CHANNELS].sort((a, b) => rank(a) - rank(b));

const CSS = `:root{color-scheme:light}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fff}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.2rem;margin:2rem 0 .25rem}
p{margin:.25rem 0 .75rem}
fieldset{border:1px solid #767676;border-radius:.5rem;margin:1rem 0;padding:.25rem 1rem .75rem;min-width:0}
legend{font-weight:600;padding:0 .25rem}
.hint{color:#474747;font-size:.95rem}
.opts{display:flex;flex-wrap:wrap;gap:0 1.5rem}
.opt{display:flex;align-items:center;gap:.6rem;min-height:44px}
.opt input{width:1.25rem;height:1.25rem;margin:0;flex:none;accent-color:#0b57d0}
.opt label{padding:.5rem 0;cursor:pointer}
.channels .opts{flex-direction:column}
button{font:inherit;font-weight:600;color:#fff;background:#0b57d0;border:2px solid #0b57d0;border-radius:.5rem;padding:.6rem 1.5rem;min-height:44px;width:100%;cursor:pointer}
button:hover{background:#0842a0}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
button:focus-visible{outline-color:#1a1a1a}
.notice{border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}
.saved{background:#e6f4ea;border:1px solid #1e7e34;color:#0d5323}
@media (min-width:30rem){button{width:auto}}`;

/** The Content-Security-Policy of every page here: no script, this stylesheet only, forms post back to this origin. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

function checkbox(id: string, name: string, channel: PrefChannel, on: boolean, labels: Record<PrefChannel, string> = CHANNEL_LABELS): string {
  return `<div class="opt"><input type="checkbox" id="${id}" name="${escapeHtml(name)}" value="${channel}"${on ? ' checked' : ''}><label for="${id}">${labels[channel]}</label></div>`;
}

export interface PreferenceFormView {
  appName: string;
  /**
   * The form posts back to the link itself: its token as a URL relative to `/preferences/`, so a
   * proxy that serves the API under a path prefix still gets the post.
   */
  action: string;
  formToken: string;
  preferences: Preferences;
  categories: readonly CategoryView[];
  saved?: boolean;
}

/** Defined categories first (by name), then any the user has preferences for that the app never described. */
export function categoriesShown(preferences: Preferences, defined: readonly CategoryView[]): CategoryView[] {
  const names = new Set(defined.map((c) => c.name));
  const extra = Object.keys(preferences.categories)
    .filter((name) => !names.has(name))
    .sort()
    .map((name) => ({ name, title: name }));
  return [...defined, ...extra];
}

export function preferenceFormPage(view: PreferenceFormView): string {
  const channels = CHANNEL_ORDER.map((c) => checkbox(`channel-${c}`, 'channel', c, isOn(view.preferences.channels, c))).join('\n');
  const categories = categoriesShown(view.preferences, view.categories);
  const groups = categories
    .map((category, i) => {
      const prefs = Object.hasOwn(view.preferences.categories, category.name) ? view.preferences.categories[category.name] : undefined;
      const desc = category.description ? `<p class="hint" id="category-${i}-desc">${escapeHtml(category.description)}</p>` : '';
      const boxes = CHANNEL_ORDER.map((c) => checkbox(`category-${i}-${c}`, `c.${category.name}`, c, isOn(prefs, c), SHORT_LABELS)).join('\n');
      return `<fieldset${desc ? ` aria-describedby="category-${i}-desc"` : ''}><legend>${escapeHtml(category.title)}</legend>${desc}
<input type="hidden" name="category" value="${escapeHtml(category.name)}">
<div class="opts">
${boxes}
</div></fieldset>`;
    })
    .join('\n');
  const topics = categories.length
    ? `<h2>Topics</h2>
<p class="hint">For each kind of message, choose where you receive it. A channel turned off above stays off for every topic.</p>
${groups}`
    : '';
  const saved = view.saved ? `<p class="notice saved" role="status">Your preferences are saved.</p>` : '';
  return layout(
    `Notification preferences: ${view.appName}`,
    `<h1>Notification preferences</h1>
<p>Choose how <strong>${escapeHtml(view.appName)}</strong> may contact you.</p>
${saved}
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.formToken)}">
<fieldset class="channels" aria-describedby="channels-desc"><legend>Channels</legend>
<p class="hint" id="channels-desc">Turn a channel off to receive nothing on it.</p>
<div class="opts">
${channels}
</div></fieldset>
${topics}
<button type="submit">Save preferences</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
