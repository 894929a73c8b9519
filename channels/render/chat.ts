import { escapeChatOutputs } from '../../domain/templateDialect.ts';

/**
 * The chat channel's targets, told apart by the webhook URL's host: Slack's incoming-webhook JSON
 * is the default, because Mattermost, Rocket.Chat and most self-hosted chats accept it too.
 */
export type ChatTarget = 'slack' | 'teams' | 'discord';

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);

export function chatTarget(webhookUrl: string): ChatTarget {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return 'slack';
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (DISCORD_HOSTS.has(host) && url.pathname.startsWith('/api/webhooks/')) return 'discord';
  if (host.endsWith('.webhook.office.com') || host === 'outlook.office.com' || host === 'outlook.office365.com') return 'teams';
  return 'slack';
}

/** Slack mrkdwn: only &, < and > are control characters (`<url|label>`, `<!channel>`, `<@U123>`). */
function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Discord markdown: its formatting characters backslash-escaped; mentions are also switched off in the payload. */
function escapeDiscord(value: string): string {
  return value.replace(/[\\*_~`|>#\-[\]()<:@]/g, (c) => `\\${c}`);
}

/** Teams MessageCard text is markdown that also renders some HTML: both neutralised. */
function escapeTeams(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\*_~`#[\]()]/g, (c) => `\\${c}`);
}

const ESCAPES: Record<ChatTarget, (value: string) => string> = { slack: escapeSlack, teams: escapeTeams, discord: escapeDiscord };

/** A rendered `chat.text` (outputs fenced by the chat engine) with each output escaped for the target's markup. */
export function chatText(rendered: string, target: ChatTarget): string {
  return escapeChatOutputs(rendered, ESCAPES[target]);
}

/** Discord refuses content over 2000 characters; Slack takes 40,000 and Teams about 28 KB. */
const MAX_CHARS: Record<ChatTarget, number> = { slack: 40_000, teams: 20_000, discord: 2000 };

function fit(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The JSON body the target's incoming webhook takes. */
export function chatPayload(target: ChatTarget, text: string): Record<string, unknown> {
  const body = fit(text, MAX_CHARS[target]);
  switch (target) {
    case 'slack':
      return { text: body };
    case 'teams':
      return { '@type': 'MessageCard', '@context': 'https://schema.org/extensions', text: body };
    case 'discord':
      // No @everyone, role or user pings from a template's params, whatever the text says.
      return { content: body, allowed_mentions: { parse: [] } };
    default: {
      const never: never = target;
      return never;
    }
  }
}
