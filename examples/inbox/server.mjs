// The example's stand-in for YOUR backend (plain Node >= 18, no dependencies). It holds the app
// credentials, which never go to a browser, and mints short-lived inbox tokens for the signed-in
// user. Run: NOTIFY_APP_KEY=... NOTIFY_APP_SECRET=... node examples/inbox/server.mjs
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const api = (process.env.NOTIFY_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const appKey = process.env.NOTIFY_APP_KEY;
const appSecret = process.env.NOTIFY_APP_SECRET;
if (!appKey || !appSecret) {
  console.error('set NOTIFY_APP_KEY and NOTIFY_APP_SECRET (from `notify apps create <name>`)');
  process.exit(1);
}
// A real backend takes the user from its session; the example has one user.
const userId = process.env.EXAMPLE_USER_ID ?? 'demo-user';
const port = Number(process.env.PORT ?? 8080);
const auth = 'Basic ' + Buffer.from(`${appKey}:${appSecret}`).toString('base64');
const page = await readFile(new URL('./index.html', import.meta.url), 'utf8');

async function platform(method, path, body) {
  const res = await fetch(api + path, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

// Users are upserts: make sure the example's user exists, so a fresh app works at once.
const made = await platform('PUT', `/v1/users/${encodeURIComponent(userId)}`, {});
if (made.status !== 200) {
  console.error(`PUT /v1/users/${userId} answered ${made.status}: check NOTIFY_URL and the credentials`, made.body);
  process.exit(1);
}

const server = createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/api/inbox-token') {
    // Here your backend would check ITS OWN session first: the token opens this user's inbox.
    const minted = await platform('POST', `/v1/users/${encodeURIComponent(userId)}/inbox-token`);
    res.writeHead(minted.status === 200 ? 200 : 502, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return void res.end(JSON.stringify(minted.status === 200 ? { ...minted.body, api } : { error: 'cannot mint an inbox token', status: minted.status }));
  }
  if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void res.end(page);
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});
server.listen(port, '127.0.0.1', () => console.log(`example shop on http://127.0.0.1:${server.address().port} (inbox of ${userId} at ${api})`));
