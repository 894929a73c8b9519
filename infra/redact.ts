/**
 * Provider error texts quote what they refused: "The 'To' number +14155550123 is not a valid phone
 * number", "550 5.1.1 <ann@example.com>: Recipient address rejected", a device token. Such text is
 * logged, parked and stored in events, so it passes through here first: emails, phone numbers,
 * credentials and long token-like strings become placeholders; the rest (codes, reasons) stays.
 */
const RULES: Array<[RegExp, string]> = [
  // Credentials in headers or URLs first, before their parts look like anything else.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\b(https?:\/\/)[^\s/:@]+:[^\s/@]+@/gi, '$1[redacted]@'],
  [/[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/g, '[email]'],
  // Long hex (APNs tokens, hashes) and long base64/url-safe runs (FCM tokens, API keys, JWTs).
  [/\b[0-9a-fA-F]{32,}\b/g, '[token]'],
  [/[A-Za-z0-9_:.-]*[A-Za-z0-9_-]{40,}[A-Za-z0-9_:.=-]*/g, '[token]'],
  // Phone numbers: international (+ and 7-15 digits, separators allowed), North American national
  // format, or a bare run of 9+ digits. Short codes (410, 30003, 5.1.1) and dates stay readable.
  [/\+\d[\d\s().-]{5,}\d/g, '[phone]'],
  [/\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g, '[phone]'],
  [/\b\d{9,15}\b/g, '[phone]'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
