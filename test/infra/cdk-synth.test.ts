import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/auditor-function';
import { STACK_NAME } from '../../infra/build-app';

/**
 * The real thing, once: `npx cdk synth` as an operator runs it, esbuild bundling included,
 * offline and without AWS credentials.
 */

// Three esbuild bundles (audit, approval front, the workflow tasks) on a shared 2-core machine.
const SYNTH_TIMEOUT_MS = 240_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment minus anything that could reach or identify an AWS account. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|CDK_)/.test(key) || key === 'NODE_ENV' || key === 'JEST_WORKER_ID') continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function cdk(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['cdk', ...args], { cwd: PROJECT_ROOT, env: offlineEnv(), timeout: SYNTH_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The template with what changes on every code edit (asset hashes) blanked. */
function blankAssetHashes(template: string): unknown {
  return JSON.parse(template.replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

let outdir: string;
let synth: Run;
let missingEmail: Run;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'sg-auditor-synth-'));
  [synth, missingEmail] = await Promise.all([
    cdk(['synth', '--quiet', '-c', 'notificationEmail=ops@example.com', '-o', outdir]),
    cdk(['synth', '--quiet', '-o', join(outdir, 'failed')]),
  ]);
}, SYNTH_TIMEOUT_MS);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('succeeds offline, without AWS credentials or an account', () => {
    // Prepare / Act: beforeAll ran it

    // Assess
    expect({ code: synth.code, stderr: synth.code === 0 ? '' : synth.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('writes a template that has the approval function URL and the bundled functions', () => {
    // Prepare
    const template = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

    // Act
    const types = Object.values(template.Resources).map((r) => r.Type);
    const codes = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.Code as { S3Key?: string });

    // Assess
    expect(types).toContain('AWS::Lambda::Url');
    expect(codes).toHaveLength(8);
    for (const code of codes) expect(code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  it('produces the template in the snapshot (asset hashes blanked)', () => {
    // Prepare
    const template = readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8');

    // Act
    const blanked = blankAssetHashes(template);

    // Assess
    expect(blanked).toMatchSnapshot();
  });

  it('fails without notificationEmail, saying which key is missing and how to pass it', () => {
    // Prepare / Act: beforeAll ran it

    // Assess
    expect(missingEmail.code).not.toBe(0);
    expect(missingEmail.stderr).toContain('context "notificationEmail" is required');
    expect(missingEmail.stderr).toContain('-c notificationEmail=you@example.com');
  });
});
