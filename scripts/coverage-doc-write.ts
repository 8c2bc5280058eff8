import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageDoc } from './coverage-doc';

/** Rewrites docs/coverage.md's generated sections from the coverage ledger (`npx tsx scripts/coverage-doc-write.ts`). */
const path = join(__dirname, '..', 'docs', 'coverage.md');
const doc = coverageDoc();
let text = readFileSync(path, 'utf8');
for (const [name, body] of [
  ['figure', doc.figure],
  ['not-scanned', doc.notScanned],
  ['not-a-usage', doc.notAUsage],
] as const) {
  const pattern = new RegExp(`(<!-- coverage:${name}:start -->\\n)[\\s\\S]*?(\\n<!-- coverage:${name}:end -->)`);
  if (!pattern.test(text)) throw new Error(`docs/coverage.md has no coverage:${name} section`);
  text = text.replace(pattern, (_m, start: string, end: string) => `${start}${body}${end}`);
}
writeFileSync(path, text);
