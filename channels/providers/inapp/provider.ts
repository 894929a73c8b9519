import type { Provider, ProviderMessage, ProviderResult } from '../../port.ts';

/**
 * The in-app inbox has no vendor: delivering is recording. The sender appends NotificationSent
 * carrying the rendered item (channels/sender/deliver.ts), and the inbox read model is fed from
 * that event, so an item survives restarts and projection rebuilds like the rest of the log.
 */
export function createInappProvider(): Provider {
  const name = 'inapp';
  return {
    channel: 'inapp',
    name,
    async send(message: ProviderMessage): Promise<ProviderResult> {
      if (message.recipient.kind !== 'inapp' || message.content.channel !== 'inapp') {
        return { kind: 'permanent', provider: name, code: 'bad_message', message: `inapp provider got ${message.recipient.kind}/${message.content.channel}` };
      }
      return { kind: 'ok', provider: name, providerMessageId: message.notificationId };
    },
  };
}
