/**
 * The segment count Twilio answers (`num_segments`): GSM 03.38 text in 160 septets, or 153 per
 * part once concatenated, where characters of the extension table take two; one character outside
 * the alphabet makes the whole message UCS-2, 70 code units, or 67 per part. The simulator plays
 * Twilio, so it counts as Twilio does, on its own (tests/simulator/segments.test.ts holds it to
 * the platform's renderer).
 */
const GSM_ALPHABET = /[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà]/u;
const GSM_EXTENSION = /[\^{}\\[~\]|€\f]/u;

export function twilioSegments(text: string): number {
  let septets = 0;
  for (const ch of text) {
    if (GSM_ALPHABET.test(ch)) septets += 1;
    else if (GSM_EXTENSION.test(ch)) septets += 2;
    else return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}
