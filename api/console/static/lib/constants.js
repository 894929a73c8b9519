// The platform's channels and statuses as the filters offer them (domain/events.ts CHANNELS and
// domain/notification.ts NOTIFICATION_STATUSES; the browser test checks the two stay equal).
export const CHANNELS = ['ios', 'android', 'web', 'sms', 'email', 'inapp', 'chat'];
export const STATUSES = ['pending', 'scheduled', 'sent', 'delivered', 'failed', 'suppressed', 'canceled', 'digested'];

/** One colour per channel, each at least 4.5:1 on white (lines, dots and the chip's swatch). */
export const CHANNEL_COLORS = { ios: '#1d5bbf', android: '#17753a', web: '#6a3ea1', sms: '#b3261e', email: '#8a5300', inapp: '#0e6b77', chat: '#a12d78' };
export const OTHER_COLOR = '#4a5261';
export const channelColor = (c) => CHANNEL_COLORS[c] ?? OTHER_COLOR;
