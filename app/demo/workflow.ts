import type { ApiClient } from './client.ts';

/**
 * The workflow tour at the end of `notify demo`: each feature once, through the public API, each
 * checked on what the simulator received (or, for cancel, on the notification's status).
 */
export interface WorkflowTour {
  digest: boolean;
  fallback: boolean;
  cancel: boolean;
  failover: boolean;
  locales: boolean;
  topic: boolean;
}

interface SimMessage {
  channel: string;
  provider: string;
  recipient: string;
  content: Record<string, unknown>;
}

type Notified = { notifications: Array<{ id: string; status: string }> };

export async function runWorkflowTour(api: ApiClient, simUrl: string, out: (line: string) => void, timeoutMs = 20_000): Promise<WorkflowTour> {
  const messages = async (since: number): Promise<{ messages: SimMessage[]; last: number }> =>
    (await (await fetch(`${simUrl}/_sim/messages?since=${since}`)).json()) as { messages: SimMessage[]; last: number };
  const fault = (body: unknown) => fetch(`${simUrl}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const waitFor = async (match: (m: SimMessage) => boolean, since: number): Promise<SimMessage | undefined> => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const found = (await messages(since)).messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  };
  const { last } = await messages(0);
  const tag = Date.now().toString(36);

  out('');
  out('Workflow tour:');
  await api.request('PUT', '/v1/templates/tour', {
    email: { subject: '{{ digest.count }} new comments', html: '<ul>{% for e in digest.events %}<li>{{ e.who }}: {{ e.text }}</li>{% endfor %}</ul>' },
  });
  await api.request('PUT', '/v1/templates/tour-plain', {
    email: { subject: 'Your order {{ id }}: {{ total | number: "currency", "EUR" }}', html: '<p>Order {{ id }}</p>' },
    sms: { text: 'Order {{ id }} is on its way' },
    push: { title: 'Order {{ id }}', body: 'On its way' },
    locales: { de: { email: { subject: 'Ihre Bestellung {{ id }}: {{ total | number: "currency", "EUR" }}', html: '<p>Bestellung {{ id }}</p>' } } },
  });

  // Digest: three triggers inside a 2 s window, one email.
  await api.request('PUT', '/v1/users/tour-digest', { email: 'tour-digest@example.com' });
  for (const [i, who] of ['Ann', 'Bob', 'Cy'].entries()) {
    await api.request('POST', '/v1/notifications', {
      eventId: `tour-d-${tag}-${i}`,
      userId: 'tour-digest',
      templateId: 'tour',
      params: { who, text: `comment ${i + 1}` },
      digest: { key: 'comments', windowSeconds: 2 },
    });
  }
  const digest = await waitFor((m) => m.recipient === 'tour-digest@example.com', last);
  out(`  digest    3 triggers -> ${digest ? `one email "${String(digest.content.subject)}"` : 'NOT SEEN'}`);

  // Fallback: push to a user whose only device is dead -> SMS.
  const dead = 'dd'.repeat(32);
  await api.request('PUT', '/v1/users/tour-fallback', { phone: '+14155550199' });
  await api.request('POST', '/v1/users/tour-fallback/devices', { token: dead, platform: 'ios' });
  await fault({ channel: 'ios', rate: 0, tokens: [dead] });
  await api.request('POST', '/v1/notifications', {
    eventId: `tour-f-${tag}`,
    userId: 'tour-fallback',
    templateId: 'tour-plain',
    params: { id: 1, total: 1 },
    channels: ['push'],
    fallback: [{ channel: 'sms' }],
  });
  const sms = await waitFor((m) => m.recipient === '+14155550199', last);
  out(`  fallback  push to a dead token -> ${sms ? `SMS "${String(sms.content.text)}"` : 'NOT SEEN'}`);

  // Cancel: a notification scheduled an hour ahead, canceled.
  await api.request('PUT', '/v1/users/tour-cancel', { email: 'tour-cancel@example.com' });
  const scheduled = await api.request<Notified>('POST', '/v1/notifications', {
    eventId: `tour-c-${tag}`,
    userId: 'tour-cancel',
    templateId: 'tour-plain',
    params: { id: 2, total: 2 },
    channels: ['email'],
    scheduleAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const canceled = await api.request<{ status: string }>('POST', `/v1/notifications/${scheduled.notifications[0]!.id}/cancel`);
  out(`  cancel    scheduled -> ${canceled.status}`);

  // Failover: SendGrid answers 503 to everything; the breaker opens and the SMTP relay carries the email.
  await fault({ channel: 'email', provider: 'sendgrid', rate: 1, status: 503 });
  for (let i = 0; i < 6; i++) {
    await api.request('PUT', `/v1/users/tour-failover-${i}`, { email: `tour-failover-${i}@example.com` });
    await api.request('POST', '/v1/notifications', {
      eventId: `tour-o-${tag}-${i}`,
      userId: `tour-failover-${i}`,
      templateId: 'tour-plain',
      params: { id: 3, total: 3 },
      channels: ['email'],
    });
  }
  const viaSmtp = await waitFor((m) => m.recipient.startsWith('tour-failover-') && m.provider === 'smtp', last);
  out(`  failover  SendGrid at 100 % 503 -> ${viaSmtp ? `the SMTP relay delivered to ${viaSmtp.recipient}` : 'NOT SEEN'}`);
  await fetch(`${simUrl}/_sim/faults`, { method: 'DELETE' });

  // Translations: a de-AT user gets the de part, formatted in de-AT.
  await api.request('PUT', '/v1/users/tour-locale', { email: 'tour-locale@example.com', locale: 'de-AT' });
  await api.request('POST', '/v1/notifications', {
    eventId: `tour-l-${tag}`,
    userId: 'tour-locale',
    templateId: 'tour-plain',
    params: { id: 4, total: 1234.5 },
    channels: ['email'],
  });
  const german = await waitFor((m) => m.recipient === 'tour-locale@example.com', last);
  const subject = german ? String(german.content.subject).replace(/[\u00a0\u202f]/g, ' ') : undefined;
  out(`  locales   de-AT user -> ${subject ? `"${subject}"` : 'NOT SEEN'}`);

  // Topics: three users subscribed to an order's topic; one request with `topic` reaches each once.
  const members = [0, 1, 2].map((i) => `tour-topic-${i}`);
  for (const u of members) await api.request('PUT', `/v1/users/${u}`, { email: `${u}@example.com` });
  const topicId = `tour-order-${tag}`;
  await api.request('PUT', `/v1/topics/${topicId}/subscribers`, { userIds: members });
  const topicSend = await api.request<Notified>('POST', '/v1/notifications', {
    eventId: `tour-t-${tag}`,
    topic: topicId,
    templateId: 'tour-plain',
    params: { id: 5, total: 5 },
    channels: ['email'],
  });
  const reached = new Set<string>();
  for (const u of members) {
    const m = await waitFor((x) => x.recipient === `${u}@example.com` && String(x.content.subject).startsWith('Your order 5'), last);
    if (m) reached.add(u);
  }
  out(`  topic     one send to ${topicId} (${members.length} subscribers) -> ${topicSend.notifications.length} notifications, ${reached.size} emails`);

  return {
    topic: reached.size === members.length && topicSend.notifications.length === members.length,
    digest: digest?.content.subject === '3 new comments',
    fallback: sms !== undefined,
    cancel: canceled.status === 'canceled',
    failover: viaSmtp !== undefined,
    locales: subject?.startsWith('Ihre Bestellung 4') === true,
  };
}
