import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { appDecider, type AppCommand } from './app.ts';
import { fold } from './decider.ts';
import type { AppEvent } from './events.ts';

const spec = specFor(appDecider);
const at = '2026-01-01T10:00:00.000Z';
const appId = 'key-1';
const register: AppCommand = { type: 'RegisterApp', data: { appId, name: 'shop', secretHash: 'scrypt$1', at } };
const rotate: AppCommand = { type: 'RotateAppSecret', data: { appId, secretHash: 'scrypt$2', at } };
const revoke: AppCommand = { type: 'RevokeApp', data: { appId, at } };
const registered: AppEvent = { type: 'AppRegistered', data: { appId, name: 'shop', secretHash: 'scrypt$1', at } };
const rotated: AppEvent = { type: 'AppSecretRotated', data: { appId, secretHash: 'scrypt$2', at } };
const revoked: AppEvent = { type: 'AppRevoked', data: { appId, at } };

describe('app decider', () => {
  it('registers a new app with its secret hash', () => spec.given([]).when(register).then([registered]));
  it('rejects registering an existing app, revoked or not', () => {
    spec.given([registered]).when(register).thenThrows('already_exists');
    spec.given([registered, revoked]).when(register).thenThrows('already_exists');
  });
  it('rotates the secret of an active app', () => {
    spec.given([registered]).when(rotate).then([rotated]);
    expect(fold(appDecider, [registered, rotated]).secretHash).toBe('scrypt$2');
  });
  it('rejects rotating an unknown or revoked app', () => {
    spec.given([]).when(rotate).thenThrows('app_not_found');
    spec.given([registered, revoked]).when(rotate).thenThrows('app_revoked');
  });
  it('revokes an active app, once', () => {
    spec.given([registered, rotated]).when(revoke).then([revoked]);
    spec.given([registered, revoked]).when(revoke).then([]);
    expect(fold(appDecider, [registered, revoked]).status).toBe('revoked');
  });
  it('rejects revoking an unknown app', () => spec.given([]).when(revoke).thenThrows('app_not_found'));
});
