import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageDoc } from '../../scripts/coverage-doc';
import { sourcesTable } from '../../scripts/sources-table';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sourcesPage = readFileSync(join(root, 'docs', 'sources-and-iam.md'), 'utf8');
const coveragePage = readFileSync(join(root, 'docs', 'coverage.md'), 'utf8');

/** The text between `<!-- coverage:<name>:start -->` and its end marker in docs/coverage.md. */
function coverageSection(name: string): string | undefined {
  return coveragePage.split(`<!-- coverage:${name}:start -->\n`)[1]?.split(`<!-- coverage:${name}:end -->`)[0]?.trim();
}

describe('README and docs/sources-and-iam.md', () => {
  it('lists every usage source with exactly the IAM actions its scanner declares', () => {
    const section = sourcesPage.split('<!-- sources:start -->\n')[1]?.split('<!-- sources:end -->')[0];
    expect(section?.trim()).toBe(sourcesTable().trim());
  });

  it('starts with the two set-up commands', () => {
    expect(readme.slice(0, 1200)).toContain('npm ci\nnpm test');
  });
});

describe('docs/coverage.md', () => {
  it('states the coverage ledger\'s figure as the ledger has it', () => {
    // Act / Assess
    expect(coverageSection('figure')).toBe(coverageDoc().figure);
  });

  it('lists every place not scanned, and every entry that is not a usage, with why', () => {
    // Prepare
    const doc = coverageDoc();

    // Act / Assess
    expect(coverageSection('not-scanned')).toBe(doc.notScanned);
    expect(coverageSection('not-a-usage')).toBe(doc.notAUsage);
  });
});
