import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { version } from '../../package.json';
import { AUDIT_USAGE } from '../../lambda/cli/audit-command';
import { COMMANDS, USAGE } from '../../lambda/cli/main';
import { MAIN, METAFILE, OUT_DIR, staleReason, writeManifest } from '../../scripts/build-cli';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'bin', 'sg-audit.js');

interface OutputSummary {
  bytes: number;
  packages: string[];
  imports: { path: string; kind: string }[];
}

describe('the built CLI (dist/cli, current as of the jest global setup)', () => {
  const meta = JSON.parse(readFileSync(join(OUT_DIR, METAFILE), 'utf8')) as Record<string, OutputSummary>;

  it('loads none of the AWS SDK before a command runs: main.mjs and what it imports are our own code', () => {
    // Prepare
    const upFront = new Set<string>();
    const visit = (file: string): void => {
      if (upFront.has(file)) return;
      upFront.add(file);
      for (const i of meta[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
    };

    // Act
    visit(MAIN);

    // Assess
    const packages = new Set([...upFront].flatMap((file) => meta[file]?.packages ?? ['(missing)']));
    expect([...packages]).toEqual(['(own code)']);
    expect([...upFront].reduce((sum, file) => sum + (meta[file]?.bytes ?? 0), 0)).toBeLessThan(20_000);
  });

  it('puts each command in a chunk of its own, loaded on demand', () => {
    // Prepare / Act
    const onDemand = meta[MAIN]?.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path) ?? [];

    // Assess
    expect(onDemand).toHaveLength(Object.keys(COMMANDS).length);
    for (const name of Object.keys(COMMANDS)) expect(onDemand).toContainEqual(expect.stringMatching(new RegExp(`/${name}-command-[A-Z0-9]+\\.mjs$`)));
  });

  it('prints the usage of the current sources for --help', async () => {
    // Act
    const { stdout } = await run('node', [CLI, '--help']);

    // Assess
    expect(stdout).toBe(USAGE);
  });

  it("prints the current audit command's usage for audit --help", async () => {
    // Act
    const { stdout } = await run('node', [CLI, 'audit', '--help']);

    // Assess
    expect(stdout).toBe(AUDIT_USAGE);
  });

  it("prints package.json's version for --version", async () => {
    // Act
    const { stdout } = await run('node', [CLI, '--version']);

    // Assess
    expect(stdout).toBe(`sg-audit ${version}\n`);
  });
});

describe('telling a current build from a stale one', () => {
  let root: string;
  let outDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sg-build-cli-'));
    outDir = join(root, 'dist');
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(outDir);
    await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    await writeFile(join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    await writeFile(join(outDir, MAIN), '// built\n');
    writeManifest(outDir, ['src/a.ts', 'src/b.ts'], root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds a build current when no input changed', () => {
    expect(staleReason(outDir, root)).toBeUndefined();
  });

  it('finds a build stale when an input was edited, even to the same size with its old mtime', async () => {
    // Prepare: same length, and the mtime set back a minute before the build.
    await writeFile(join(root, 'src', 'b.ts'), 'export const b = 3;\n');
    const past = new Date(Date.now() - 60_000);
    await utimes(join(root, 'src', 'b.ts'), past, past);

    // Act
    const reason = staleReason(outDir, root);

    // Assess
    expect(reason).toBe('src/b.ts changed');
  });

  it('finds a build stale when an input is gone', async () => {
    // Prepare
    await rm(join(root, 'src', 'a.ts'));

    // Act / Assess
    expect(staleReason(outDir, root)).toBe('src/a.ts is gone');
  });

  it('finds no build where there is no manifest, and an incomplete one where main.mjs is missing', async () => {
    // Prepare
    const empty = join(root, 'empty');
    await mkdir(empty);
    await rm(join(outDir, MAIN));

    // Act / Assess
    expect(staleReason(empty, root)).toBe('no build yet');
    expect(staleReason(outDir, root)).toBe('incomplete build');
  });
});
