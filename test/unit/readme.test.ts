import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcesTable } from '../../scripts/sources-table';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sourcesPage = readFileSync(join(root, 'docs', 'sources-and-iam.md'), 'utf8');

describe('README and docs/sources-and-iam.md', () => {
  it('lists every usage source with exactly the IAM actions its scanner declares', () => {
    const section = sourcesPage.split('<!-- sources:start -->\n')[1]?.split('<!-- sources:end -->')[0];
    expect(section?.trim()).toBe(sourcesTable().trim());
  });

  it('starts with the two set-up commands', () => {
    expect(readme.slice(0, 1200)).toContain('npm ci\nnpm test');
  });
});
