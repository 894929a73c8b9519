import { timingSafeEqual } from 'node:crypto';
import { purposeMac, signAppUserToken, verifyAppUserToken, type AppUserClaims, type AppUserTokenCheck, type AppUserTokenKind } from './appUserToken.ts';

/**
 * Preference-center links: `pref1.` and the app-user token format of appUserToken.ts. The key is
 * the tracking secret (the one that signs click and unsubscribe links), with its own MAC purpose
 * so no tracking or inbox token can be replayed as one of these. A link names one user of one app
 * and nothing else, and it expires.
 */
export type PreferencesLinkClaims = AppUserClaims;

/** POST /v1/users/:userId/preferences-link and `{{ preferences_url }}` without PREFERENCES_LINK_TTL_DAYS. */
export const DEFAULT_PREFERENCES_LINK_TTL_DAYS = 7;
/** The path the page is served under; the token follows. */
export const PREFERENCES_PATH = '/preferences/';
/** What a template writes to place the link (`{{ preferences_url }}`): filled in per recipient at render time. */
export const PREFERENCES_URL_VARIABLE = 'preferences_url';

const PREFERENCES: AppUserTokenKind = { prefix: 'pref1.', purpose: 'preferences' };

export const signPreferencesToken = (claims: PreferencesLinkClaims, secret: string): string => signAppUserToken(PREFERENCES, claims, secret);

export function preferencesUrl(publicUrl: string, claims: PreferencesLinkClaims, secret: string): string {
  return `${publicUrl.replace(/\/$/, '')}${PREFERENCES_PATH}${signPreferencesToken(claims, secret)}`;
}

export type PreferencesTokenCheck = AppUserTokenCheck;

export const verifyPreferencesToken = (token: string, secret: string, nowSeconds: number): PreferencesTokenCheck => verifyAppUserToken(PREFERENCES, token, secret, nowSeconds);

/**
 * The form's anti-forgery field: a MAC of the link's token under a purpose of its own. The page
 * carries it in a hidden field and the POST must return it, so a request made up elsewhere (a
 * cross-site form, a script that only saw the URL in a log line and posts blindly) is refused.
 */
export function preferencesFormToken(linkToken: string, secret: string): string {
  return purposeMac('preferences-form', linkToken, secret).toString('base64url');
}

export function checkPreferencesFormToken(given: unknown, linkToken: string, secret: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 128) return false;
  const a = Buffer.from(given, 'base64url');
  const b = purposeMac('preferences-form', linkToken, secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
