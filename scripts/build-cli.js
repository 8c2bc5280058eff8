// @ts-check
/**
 * Builds the sg-audit CLI into dist/cli/ with esbuild, and tells whether that build is current.
 *
 * `npm run build` and `prepare` (so `npm ci`) run this file; bin/sg-audit.js calls
 * ensureCliBundle() at every start, which rebuilds first when any file that went into the
 * bundle (or the installed dependencies) changed since, so a `git pull` or an edit never runs old
 * code. Plain JavaScript, because bin/ must run it without tsx; esbuild (a dev dependency) is
 * loaded only to build.
 *
 * Format: ESM with code splitting. lambda/cli/main.ts loads each command with import(), so each
 * command is its own chunk and `sg-audit --help` loads no AWS SDK.
 */
const { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = join(__dirname, '..');
const OUT_DIR = join(ROOT, 'dist', 'cli');
const MAIN = 'main.mjs';
const MANIFEST = 'inputs.json';
const MANIFEST_FORMAT = 1;
const METAFILE = 'meta.json';

/**
 * Files outside the bundle's own inputs whose change makes a build stale: this script (the
 * build options) and what npm installed (it rewrites node_modules/.package-lock.json).
 */
const EXTRA_INPUTS = ['scripts/build-cli.js', 'package.json', 'node_modules/.package-lock.json'];

/**
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions & { metafile: true }}
 */
function esbuildOptions(outdir) {
  return {
    absWorkingDir: ROOT,
    entryPoints: { main: 'lambda/cli/main.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // The SDK's ES modules: tree-shaken, half the size of its CommonJS build.
    mainFields: ['module', 'main'],
    // CommonJS dependencies inside an ES module bundle still call require() for node builtins.
    banner: { js: "import { createRequire as __sgAuditCreateRequire } from 'node:module'; const require = __sgAuditCreateRequire(import.meta.url);" },
    minify: true,
    // Maps for SG_AUDIT_DEBUG stack traces (bin turns them on only then); the sources stay in the repo.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  };
}

/** @typedef {{ format: number, inputs: Record<string, { size: number, mtimeMs: number }> }} Manifest */

/**
 * @param {string} path relative to root
 * @param {string} [root]
 */
function fingerprint(path, root = ROOT) {
  try {
    const s = statSync(join(root, path));
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Records the size and mtime of each input (relative to root) that exists, for staleReason().
 * @param {string} outDir
 * @param {string[]} paths
 */
function writeManifest(outDir, paths, root = ROOT) {
  /** @type {Manifest} */
  const manifest = { format: MANIFEST_FORMAT, inputs: {} };
  for (const path of paths) {
    const print = fingerprint(path, root);
    if (print) manifest.inputs[path] = print;
  }
  writeFileSync(join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Why the build in dist/cli is not current (missing, or the first input that changed), or
 * undefined when it is. Costs one stat per input (~100 files).
 * @returns {string | undefined}
 */
function staleReason(outDir = OUT_DIR, root = ROOT) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8'));
  } catch {
    return 'no build yet';
  }
  if (manifest.format !== MANIFEST_FORMAT || !existsSync(join(outDir, MAIN))) return 'incomplete build';
  for (const [path, was] of Object.entries(manifest.inputs)) {
    const now = fingerprint(path, root);
    if (!now) return `${path} is gone`;
    if (now.size !== was.size || now.mtimeMs !== was.mtimeMs) return `${path} changed`;
  }
  return undefined;
}

/**
 * @typedef {{ bytes: number, packages: string[], imports: { path: string, kind: string }[] }} OutputSummary
 * @param {import('esbuild').Metafile} metafile
 * @param {string} outdir
 * @returns {Record<string, OutputSummary>} keyed by path relative to outdir
 */
function outputSummary(metafile, outdir) {
  const rel = (/** @type {string} */ path) => relative(outdir, join(ROOT, path));
  /** @type {Record<string, OutputSummary>} */
  const summary = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('.mjs')) continue;
    const packages = new Set(
      Object.keys(output.inputs).map((input) => {
        const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        return match ? (match[1] ?? input) : '(own code)';
      }),
    );
    summary[rel(path)] = {
      bytes: output.bytes,
      packages: [...packages].sort(),
      imports: output.imports.filter((i) => !i.external).map((i) => ({ path: rel(i.path), kind: i.kind })),
    };
  }
  return summary;
}

/**
 * Builds into a staging folder, then swaps it in, so a reader never sees half a build.
 * @returns {Promise<{ ms: number, bytes: number, files: number }>}
 */
async function buildCli(outDir = OUT_DIR) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    throw new Error('cannot build the CLI: esbuild is not installed (run npm ci, which installs the dev dependencies)');
  }
  const started = Date.now();
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await esbuild.build(esbuildOptions(staging));
    const own = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/') && !p.includes('/node_modules/'));
    writeManifest(staging, [...own, ...EXTRA_INPUTS]);
    // What each output file holds (packages) and loads (static and dynamic imports): lets a test
    // check that main.mjs loads no AWS SDK up front. esbuild's full metafile is ~6 MB.
    writeFileSync(join(staging, METAFILE), `${JSON.stringify(outputSummary(result.metafile, staging), null, 1)}\n`);
    const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
    const old = `${outDir}.old-${process.pid}`;
    try {
      renameSync(outDir, old);
    } catch {
      // no previous build, or another build is swapping right now
    }
    try {
      renameSync(staging, outDir);
    } catch (error) {
      // Another process swapped its build in first: keep it if it is current.
      if (staleReason(outDir) !== undefined) throw error;
    }
    rmSync(old, { recursive: true, force: true });
    return { ms: Date.now() - started, bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0), files: outputs.length };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The URL of the bundle's entry, built first when missing or stale.
 * @param {{ log?: (line: string) => void }} [options]
 */
async function ensureCliBundle(options = {}) {
  const reason = staleReason();
  if (reason !== undefined) {
    options.log?.(`sg-audit: building the CLI (${reason})...`);
    const built = await buildCli();
    options.log?.(`sg-audit: built ${relative(process.cwd(), OUT_DIR) || '.'} in ${(built.ms / 1000).toFixed(1)} s`);
  }
  return pathToFileURL(join(OUT_DIR, MAIN)).href;
}

module.exports = { MAIN, METAFILE, OUT_DIR, buildCli, ensureCliBundle, staleReason, writeManifest };

if (require.main === module) {
  buildCli().then(
    ({ ms, bytes, files }) => {
      process.stdout.write(`built ${relative(process.cwd(), OUT_DIR)}: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, in ${(ms / 1000).toFixed(1)} s\n`);
    },
    (error) => {
      process.stderr.write(`build-cli: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
