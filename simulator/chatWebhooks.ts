import { randomUUID } from 'node:crypto';

/** The webhook URLs the simulated chat host has handed out (POST /_sim/chat/webhooks). */
export class ChatWebhooks {
  private readonly ids = new Set<string>();

  create(origin: string): { url: string } {
    const id = randomUUID();
    this.ids.add(id);
    return { url: `${origin}/chat/webhooks/${id}` };
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
