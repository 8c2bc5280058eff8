import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcesTable } from '../../scripts/sources-table';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('lists every usage source with exactly the IAM actions its scanner declares', () => {
    const section = readme.split('<!-- sources:start -->\n')[1]?.split('<!-- sources:end -->')[0];
    expect(section?.trim()).toBe(sourcesTable().trim());
  });

  it('starts with the two set-up commands', () => {
    expect(readme.slice(0, 1200)).toContain('npm ci\nnpm test');
  });
});
