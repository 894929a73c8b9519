/** Compile-time checks of the typed client (tsc runs them): each @ts-expect-error must stay an error. */
import { createClient } from '../../app/client/index.ts';
const api = createClient({ baseUrl: '', appKey: '', appSecret: '' });
export async function f() {
  const n = await api.get('/v1/notifications/{id}', { path: { id: 'x' } });
  const s: 'sent' | 'failed' | 'pending' | 'scheduled' | 'delivered' | 'suppressed' | 'canceled' | 'digested' = n.status;
  // @ts-expect-error wrong param name
  await api.get('/v1/notifications/{id}', { path: { idx: 'x' } });
  // @ts-expect-error missing body
  await api.post('/v1/notifications', {});
  // @ts-expect-error bad body field
  await api.put('/v1/users/{userId}', { path: { userId: 'a' }, body: { emial: 'x' } });
  // @ts-expect-error no such path
  await api.get('/v1/nope');
  // @ts-expect-error not a number
  const v: number = (await api.put('/v1/templates/{templateId}', { path: { templateId: 't' }, body: { sms: { text: 'x' } } })).templateId;
  const page = await api.get('/v1/notifications', { query: { limit: 5, status: 'failed' } });
  const id: string | undefined = page.items[0]?.id;
  const c: string | null = page.nextCursor;
  const del: undefined = await api.delete('/v1/users/{userId}/devices/{id}', { path: { userId: 'a', id: 'b' } });
  return [s, v, id, c, del];
}
