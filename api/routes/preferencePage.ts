import express, { Router, type Request, type Response } from 'express';
import { openPreferencePage, savePreferencePage, type PreferencePage } from '../../commands/preferenceCenter.ts';
import { PREF_CHANNELS, type PrefChannel } from '../../domain/events.ts';
import type { PreferenceForm } from '../../domain/preferenceCenter.ts';
import { checkPreferencesFormToken, preferencesFormToken, PREFERENCES_PATH } from '../../domain/preferencesLink.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { locals } from '../edge/locals.ts';
import { categorySchema } from '../edge/schemas.ts';
import { categoriesShown, errorPage, PAGE_CSP, preferenceFormPage } from '../preferences/html.ts';

export interface PreferencePageDeps {
  store: EventStore;
  /** The tracking secret (domain/preferencesLink.ts). */
  secret: string;
  /** PUBLIC_URL: a form posted from this origin is same-origin even behind a proxy that rewrites Host. */
  publicUrl: string;
}

/** A form posts at most this many fields: 5 channels, and per category one name and 5 channels. */
const MAX_FIELDS = 2000;

type FormResult = { ok: true; form: PreferenceForm } | { ok: false; message: string };

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isPrefChannel = (v: unknown): v is PrefChannel => typeof v === 'string' && (PREF_CHANNELS as readonly string[]).includes(v);

/** The urlencoded body as the page's form sends it; anything else is refused, naming the field. */
function parseForm(body: unknown): FormResult {
  if (typeof body !== 'object' || body === null) return { ok: false, message: 'the form is empty' };
  const fields = body as Record<string, unknown>;
  const channels: PrefChannel[] = [];
  const shownCategories: string[] = [];
  const categories: Record<string, PrefChannel[]> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'csrf') continue;
    const values = asList(value);
    if (key === 'channel' || key.startsWith('c.')) {
      const bad = values.find((v) => !isPrefChannel(v));
      if (bad !== undefined) return { ok: false, message: `${key}: ${typeof bad === 'string' ? bad.slice(0, 40) : typeof bad} is not a channel` };
    }
    if (key === 'channel') channels.push(...(values as PrefChannel[]));
    else if (key === 'category') {
      for (const name of values) {
        if (!categorySchema.safeParse(name).success) return { ok: false, message: 'category: not a category name' };
        shownCategories.push(name as string);
      }
    } else if (key.startsWith('c.')) {
      const name = key.slice(2);
      if (!categorySchema.safeParse(name).success) return { ok: false, message: `${key.slice(0, 70)}: not a category name` };
      categories[name] = values as PrefChannel[];
    } else return { ok: false, message: `${key.slice(0, 70)} is not a field of this form` };
  }
  const unshown = Object.keys(categories).find((name) => !shownCategories.includes(name));
  if (unshown !== undefined) return { ok: false, message: `c.${unshown}: the form did not show this category` };
  return { ok: true, form: { channels, shownCategories, categories } };
}

/**
 * A cross-site POST is refused before anything is read: browsers say where a request comes from
 * (Sec-Fetch-Site; Origin, which the page's Referrer-Policy keeps for same-origin posts). Clients
 * that send neither are not browsers, so no victim's session rides on them; the form token still
 * has to be right.
 */
function crossSite(req: Request, publicOrigin: string | undefined): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return true;
  const origin = req.get('origin');
  if (origin === undefined) return false;
  if (origin === publicOrigin) return false;
  try {
    return new URL(origin).host !== req.get('host');
  } catch {
    return true;
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function send(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}

function refuse(res: Response, page: Exclude<PreferencePage, { kind: 'ok' }>): void {
  if (page.kind === 'expired') {
    send(
      res,
      410,
      errorPage(
        'This link has expired',
        'Links to your notification preferences work for a limited time. Open the link in a more recent message, or ask the sender for a new one. Nothing was changed.',
      ),
    );
    return;
  }
  send(
    res,
    404,
    errorPage('This link is not valid', 'It may have been copied incompletely, or it is no longer in use. Open it again from the message you received. Nothing was changed.'),
  );
}

/** GET shows the form; POST (from that form) saves it. Outside /v1: the signed link is the credential. */
export function preferencePageRouter(deps: PreferencePageDeps, now: () => Date): Router {
  const router = Router();
  const publicOrigin = originOf(deps.publicUrl);
  const path = `${PREFERENCES_PATH}:token`;
  router.use(PREFERENCES_PATH, (_req, res, next) => {
    // The token is in the URL: no cache keeps the page, and no other site is ever told the URL.
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'Content-Security-Policy': PAGE_CSP, 'X-Content-Type-Options': 'nosniff' });
    next();
  });

  router.get(path, async (req: Request<{ token: string }>, res) => {
    const page = await openPreferencePage(deps.store, req.params.token, deps.secret, now());
    if (page.kind !== 'ok') return refuse(res, page);
    send(res, 200, preferenceFormPage({ ...page, action: req.params.token, formToken: preferencesFormToken(req.params.token, deps.secret) }));
  });

  router.post(path, express.urlencoded({ extended: false, limit: '64kb', parameterLimit: MAX_FIELDS }), async (req: Request<{ token: string }>, res) => {
    const token = req.params.token;
    const page = await openPreferencePage(deps.store, token, deps.secret, now());
    if (page.kind !== 'ok') return refuse(res, page);
    if (crossSite(req, publicOrigin))
      return send(res, 403, errorPage('Your changes were not saved', 'The form was sent from another site. Open your preferences link and save them there. Nothing was changed.'));
    const body: unknown = req.body;
    const csrf = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
    if (!checkPreferencesFormToken(csrf, token, deps.secret)) {
      return send(
        res,
        403,
        errorPage('Your changes were not saved', 'The form could not be verified. Open your preferences link again and save from that page. Nothing was changed.'),
      );
    }
    const parsed = parseForm(body);
    if (!parsed.ok) return send(res, 400, errorPage('Your changes were not saved', `The form was not understood (${parsed.message}). Nothing was changed.`));
    // Categories shown on the page are those it can show now, whatever the form claims on top.
    const showable = new Set(categoriesShown(page.preferences, page.categories).map((c) => c.name));
    const form: PreferenceForm = { ...parsed.form, shownCategories: parsed.form.shownCategories.filter((name) => showable.has(name)) };
    const preferences = await savePreferencePage(deps.store, page, form, { requestId: locals(res).requestId, now: now() });
    send(res, 200, preferenceFormPage({ ...page, preferences, action: req.params.token, formToken: preferencesFormToken(token, deps.secret), saved: true }));
  });
  return router;
}
