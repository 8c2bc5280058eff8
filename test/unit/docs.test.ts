import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenLinks, headingAnchors, linkTargets } from '../helpers/markdown-links';

const root = join(__dirname, '..', '..');
const README_LIMIT_BYTES = 10 * 1024;

/** README.md and every Markdown page under docs/, as paths relative to the repository. */
function docFiles(): string[] {
  const pages = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

describe('the documentation', () => {
  it('has a README under 10 KB', () => {
    // Prepare / Act
    const bytes = statSync(join(root, 'README.md')).size;

    // Assess
    expect(bytes).toBeLessThan(README_LIMIT_BYTES);
  });

  it('links every docs page from the docs index and from the README', () => {
    // Prepare
    const pages = docFiles().filter((f) => f !== 'README.md' && f !== 'docs/README.md');
    const index = linkTargets(readFileSync(join(root, 'docs', 'README.md'), 'utf8')).map((t) => `docs/${t.split('#')[0]}`);
    const readme = linkTargets(readFileSync(join(root, 'README.md'), 'utf8')).map((t) => t.split('#')[0]);

    // Act
    const missing = pages.filter((page) => !index.includes(page) || !readme.includes(page));

    // Assess
    expect(pages.length).toBeGreaterThanOrEqual(7);
    expect(missing).toEqual([]);
  });

  it('has no relative link, in README.md or docs/*.md, to a missing file or heading', () => {
    // Prepare
    const files = docFiles();

    // Act
    const broken = files.flatMap((file) => brokenLinks(root, file));

    // Assess
    expect(broken).toEqual([]);
  });
});

describe('the docs link check', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sg-auditor-links-'));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'page.md'), '# A page\n\n## What it can do (IAM)\n\n```sh\n# not a heading\n```\n');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts links to existing files and to their headings as GitHub names them', () => {
    // Prepare
    writeFileSync(join(dir, 'README.md'), '[page](docs/page.md) [iam](docs/page.md#what-it-can-do-iam) [web](https://example.com/x.md)\n');

    // Act
    const broken = brokenLinks(dir, 'README.md');

    // Assess
    expect(broken).toEqual([]);
  });

  it('reports a link to a missing file', () => {
    // Prepare
    writeFileSync(join(dir, 'README.md'), 'See [gone](docs/gone.md).\n');

    // Act
    const broken = brokenLinks(dir, 'README.md');

    // Assess
    expect(broken).toEqual([{ file: 'README.md', target: 'docs/gone.md', problem: 'no file docs/gone.md' }]);
  });

  it('reports a link to a heading that does not exist, ignoring headings inside code blocks', () => {
    // Prepare
    writeFileSync(join(dir, 'README.md'), '[a](docs/page.md#iam) [b](docs/page.md#not-a-heading)\n');

    // Act
    const broken = brokenLinks(dir, 'README.md');

    // Assess
    expect(broken.map((b) => b.target)).toEqual(['docs/page.md#iam', 'docs/page.md#not-a-heading']);
  });

  it('ignores links written inside code', () => {
    // Prepare
    writeFileSync(join(dir, 'README.md'), '`[x](nowhere.md)`\n\n```md\n[y](nowhere.md)\n```\n');

    // Act
    const broken = brokenLinks(dir, 'README.md');

    // Assess
    expect(broken).toEqual([]);
  });

  it('numbers repeated headings as GitHub does', () => {
    // Prepare
    const markdown = '## Setup\n\n## Setup\n\n## `sg-audit audit`\n';

    // Act
    const anchors = headingAnchors(markdown);

    // Assess
    expect([...anchors]).toEqual(['setup', 'setup-1', 'sg-audit-audit']);
  });
});
