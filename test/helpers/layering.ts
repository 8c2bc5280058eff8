import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The layers of lambda/ (docs/development.md, "Layout"): pure `core` at the bottom, SDK I/O in
 * `aws`, thin adapters on top. An adapter imports only core, aws and itself; the CLI may host
 * the front and the local workflows (`sg-audit serve`); infra reads core, aws and the state
 * names of the workflows.
 */
export const LAYER_RULES: ReadonlyArray<{ layer: string; may: readonly string[]; packages?: RegExp }> = [
  // core: no SDK either (a type-only Powertools import for the log sink is fine: nothing at runtime).
  { layer: 'lambda/core', may: ['lambda/core'], packages: /^@aws-sdk\// },
  { layer: 'lambda/aws', may: ['lambda/core', 'lambda/aws'] },
  { layer: 'lambda/audit', may: ['lambda/core', 'lambda/aws', 'lambda/audit'] },
  { layer: 'lambda/approve', may: ['lambda/core', 'lambda/aws', 'lambda/approve'] },
  // The two workflows share the local ASL runner (lambda/workflows/local-runner.ts), not each other.
  { layer: 'lambda/workflows', may: ['lambda/core', 'lambda/aws'] },
  { layer: 'lambda/workflows/deletion', may: ['lambda/core', 'lambda/aws', 'lambda/workflows/deletion', 'lambda/workflows/local-runner.ts'] },
  { layer: 'lambda/workflows/org-audit', may: ['lambda/core', 'lambda/aws', 'lambda/workflows/org-audit', 'lambda/workflows/local-runner.ts'] },
  // `sg-audit --version` reads package.json.
  { layer: 'lambda/cli', may: ['lambda', 'package.json'] },
  { layer: 'infra', may: ['infra', 'lambda/core', 'lambda/aws', 'lambda/workflows/org-audit/states.ts'] },
];

export interface LayerViolation {
  file: string;
  specifier: string;
  /** The repository path the specifier resolves to (relative imports), or the package. */
  target: string;
  layer: string;
}

const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`) || path === `${prefix}.ts`;

function layerOf(file: string) {
  // The most specific layer wins (lambda/workflows/deletion before lambda).
  return [...LAYER_RULES].sort((a, b) => b.layer.length - a.layer.length).find((rule) => within(file, rule.layer));
}

/** The module specifiers a TypeScript source imports, re-exports, requires or imports dynamically. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Every import that crosses the layers the wrong way. `files` maps repository paths (posix,
 * e.g. `lambda/approve/handler.ts`) to their source text.
 */
export function layerViolations(files: ReadonlyMap<string, string>): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const [file, source] of files) {
    const rule = layerOf(file);
    if (!rule) continue;
    for (const specifier of importsOf(source)) {
      if (specifier.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file), specifier));
        const allowed = rule.may.some((prefix) => within(target, prefix) || within(`${target}.ts`, prefix));
        if (!allowed) violations.push({ file, specifier, target, layer: rule.layer });
      } else if (rule.packages?.test(specifier)) {
        violations.push({ file, specifier, target: specifier, layer: rule.layer });
      }
    }
  }
  return violations;
}

/** lambda/ and infra/ as the checker reads them, from a repository root. */
export function sourcesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  for (const top of ['lambda', 'infra']) walk(join(root, top));
  return out;
}

export const repoRoot = () => join(dirname(__filename), '..', '..');
