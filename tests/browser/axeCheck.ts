import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core run in the page (open shadow roots included), reduced to the violations that matter
 * here: serious and critical ones, each with the selectors of the offending nodes so a failure
 * names what to fix. axe is evaluated through the DevTools protocol, which a page's CSP does not
 * govern, so the page is checked under its own policy. `iframes: false` leaves out frames whose
 * content is not the page's own (the console's email preview).
 */
export async function seriousAxeViolations(page: Page, options: { iframes?: boolean } = {}): Promise<AxeViolation[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE);
  const json = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'], iframes: ${options.iframes ?? true} }).then((r) => JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }))))`,
  )) as string;
  return (JSON.parse(json) as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
