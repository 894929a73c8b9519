import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSchemaSource, SCHEMA_FILE, servedDocument } from '../../app/client/generate.ts';
import { ApiError, createClient, expandPath } from '../../app/client/index.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/**
 * packages/client/src/schema.ts (the client package app/client re-exports) is generated from the document the API serves; a route or schema change
 * without `npm run client:generate` fails here. The client itself is then used against the API.
 */
describe('the typed client', () => {
  it('is not stale: a fresh generation from /openapi.json equals the committed schema.ts, byte for byte', async () => {
    const document = await servedDocument();
    const fresh = await generateSchemaSource(document);
    expect(await generateSchemaSource(document)).toBe(fresh); // deterministic
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8'), 'packages/client/src/schema.ts is stale: run `npm run client:generate`').toBe(fresh);
  });

  it('the document has an operationId, a tag and a typed success body on every operation', async () => {
    const document = (await servedDocument()) as {
      paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
    };
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId!), `duplicate ${op.operationId}`).toBe(false);
        ids.add(op.operationId!);
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        const success = Object.entries(op.responses).filter(([code]) => /^2\d\d$/.test(code) && code !== '204');
        for (const [code, res] of success) {
          const schemas = Object.values(res.content ?? {}).map((c) => c.schema);
          expect(schemas.length, `${method} ${path} ${code} has a body schema`).toBeGreaterThan(0);
          for (const s of schemas) expect(JSON.stringify(s), `${method} ${path} ${code} is typed`).not.toBe('{"type":"object"}');
        }
      }
    }
  });

  it('declares how each operation authenticates: every named scheme exists; the inbox routes need the inbox bearer token (the stream also takes ?token=)', async () => {
    type Op = { operationId: string; security?: Array<Record<string, string[]>> };
    const document = (await servedDocument()) as {
      security: Array<Record<string, string[]>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
      paths: Record<string, Record<string, Op>>;
    };
    const schemes = document.components.securitySchemes;
    expect(schemes.inboxToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.inboxTokenQuery).toMatchObject({ type: 'apiKey', in: 'query', name: 'token' });
    const ops = Object.entries(document.paths).flatMap(([p, byMethod]) => Object.values(byMethod).map((op) => ({ path: p, ...op })));
    for (const op of ops)
      for (const requirement of op.security ?? document.security)
        for (const name of Object.keys(requirement)) expect(schemes[name], `${op.operationId} names ${name}`).toBeDefined();
    const securityOf = (id: string) => ops.find((o) => o.operationId === id)?.security;
    expect(securityOf('listInboxItems')).toEqual([{ inboxToken: [] }]);
    expect(securityOf('markInboxItemsRead')).toEqual([{ inboxToken: [] }]);
    expect(securityOf('streamInbox')).toEqual([{ inboxToken: [] }, { inboxTokenQuery: [] }]);
    // Only the widget script is public under /inbox/v1.
    expect(ops.filter((o) => o.path.startsWith('/inbox/') && o.security?.length === 0).map((o) => o.operationId)).toEqual(['inboxWidget']);
  });

  describe('against the API', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi({ projections: true });
    });
    afterAll(async () => {
      await api?.close();
    });

    it('round-trips users, templates and notifications with typed answers, and throws ApiError with the error body', async () => {
      const client = createClient({ baseUrl: api.url, appKey: api.appKey, appSecret: api.appSecret });
      const user = await client.put('/v1/users/{userId}', { path: { userId: 'ada+lovelace@x' }, body: { email: 'ada@example.com' } });
      expect(user).toEqual({ userId: 'ada+lovelace@x', email: 'ada@example.com', devices: 0 });
      const t = await client.put('/v1/templates/{templateId}', { path: { templateId: 'hello' }, body: { email: { subject: 'Hi {{ name }}', html: '<p>{{ name }}</p>' } } });
      expect(t).toEqual({ templateId: 'hello', version: 1, requiredParams: ['name'] });
      const accepted = await client.post('/v1/notifications', { body: { eventId: 'client-1', userId: 'ada+lovelace@x', templateId: 'hello', params: { name: 'Ada' } } });
      // A userId send answers notifications; only a topic send past 1,000 subscribers answers a fanout.
      if (!('notifications' in accepted)) throw new Error('expected notifications');
      const id = accepted.notifications[0]!.id;
      const n = await client.get('/v1/notifications/{id}', { path: { id } });
      expect(n).toMatchObject({ id, userId: 'ada+lovelace@x', channel: 'email', eventId: 'client-1', templateId: 'hello' });
      const events = await client.get('/v1/notifications/{id}/events', { path: { id } });
      expect(events.events[0]?.type).toBe('NotificationRequested');
      const err = await client.put('/v1/users/{userId}', { path: { userId: 'x' }, body: { email: 'not-an-email' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).error).toMatchObject({ error: 'invalid_request', field: 'email' });
    });

    it('expands path parameters with encoding and drops absent query values', () => {
      expect(expandPath('/v1/users/{userId}/devices/{token}', { userId: 'a/b', token: 't' })).toBe('/v1/users/a%2Fb/devices/t');
      expect(expandPath('/v1/notifications', {}, { limit: 5, cursor: undefined, status: 'failed' })).toBe('/v1/notifications?limit=5&status=failed');
      expect(() => expandPath('/v1/users/{userId}', {})).toThrow(/userId is missing/);
    });
  });
});
