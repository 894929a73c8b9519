import { signAppUserToken, verifyAppUserToken, type AppUserClaims, type AppUserTokenCheck, type AppUserTokenKind } from './appUserToken.ts';

/**
 * End-user inbox tokens (`ibx1.`, the app-user token format of appUserToken.ts). A token names one
 * user of one app and nothing else, so a browser holding it can read that inbox only; it is
 * short-lived because it sits in a web page.
 */
export type InboxTokenClaims = AppUserClaims;
export type InboxTokenCheck = AppUserTokenCheck;

const INBOX: AppUserTokenKind = { prefix: 'ibx1.', purpose: 'inbox' };

export const signInboxToken = (claims: InboxTokenClaims, secret: string): string => signAppUserToken(INBOX, claims, secret);

export const verifyInboxToken = (token: string, secret: string, nowSeconds: number): InboxTokenCheck => verifyAppUserToken(INBOX, token, secret, nowSeconds);
