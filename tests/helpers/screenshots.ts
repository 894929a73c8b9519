import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Where browser tests write their screenshots: the committed review images under
 * tests/browser/screenshots/ only when asked (`UPDATE_SCREENSHOTS=1`), otherwise .tmp/screenshots/
 * (git-ignored), so `npm test` leaves the tracked tree as it found it.
 */
export function screenshotDir(): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'tests', 'browser', 'screenshots') : path.join(ROOT, '.tmp', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
