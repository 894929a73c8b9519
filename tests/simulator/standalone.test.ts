import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../channels/render/sms.ts';
import { CHANNELS } from '../../domain/events.ts';
import { twilioSegments } from '../../simulator/segments.ts';
import { CHANNELS as SIM_CHANNELS } from '../../simulator/state.ts';

/** The simulator keeps its own copies of what it once imported from production: these hold them to it. */
describe('the simulator stands alone but agrees with the platform', () => {
  it('names the same channels', () => {
    expect([...SIM_CHANNELS]).toEqual([...CHANNELS]);
  });

  const gsm = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  const extension = '^{}\\[~]|€\f';
  it.each([
    ['every GSM character', gsm],
    ['every extension character', extension],
    ['160 GSM', 'a'.repeat(160)],
    ['161 GSM', 'a'.repeat(161)],
    ['307 GSM', 'a'.repeat(307)],
    ['80 extension', '€'.repeat(80)],
    ['81 extension', '€'.repeat(81)],
    ['mixed at the limit', `${'a'.repeat(158)}€`],
    ['mixed over the limit', `${'a'.repeat(159)}€`],
    ['70 UCS-2', 'ж'.repeat(70)],
    ['71 UCS-2', 'ж'.repeat(71)],
    ['135 UCS-2', 'ж'.repeat(135)],
    ['36 emoji', '😀'.repeat(36)],
    ['one non-GSM among GSM', `${'a'.repeat(69)}ж`],
    ['accents outside GSM', 'ÀÁÂçÊ'.repeat(20)],
  ])('counts SMS segments as the renderer does: %s', (_label, text) => {
    expect(twilioSegments(text)).toBe(smsSegments(text));
  });

  it('checks each character alone too', () => {
    for (const ch of [...gsm, ...extension, 'ж', '😀', 'À', '`', '\t']) expect(twilioSegments(ch.repeat(161)), JSON.stringify(ch)).toBe(smsSegments(ch.repeat(161)));
  });
});
