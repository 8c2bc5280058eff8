import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MOTO_MISSING_SOURCES } from '../../scripts/seed-account';

const ROOT = join(__dirname, '..', '..');
// The demo now runs the deletion workflow locally (re-audit, backup, batches, trail) on a shared machine.
const TIMEOUT_MS = 180_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npx tsx scripts/demo.ts --ci` in its own process group (it starts its own moto, not
 * the jest one), killing the whole group (moto included) if it outlives the timeout.
 */
function runDemoCi(): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'scripts/demo.ts', '--ci'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOTO_ENDPOINT: '', AWS_ENDPOINT_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, TIMEOUT_MS - 5_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo -- --ci', () => {
  let run: Run;

  beforeAll(async () => {
    run = await runDemoCi();
  }, TIMEOUT_MS);

  it('exits 0 and prints the PASS line', () => {
    // Assess
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^PASS: \d+ checks passed in [\d.]+ s$/m);
  });

  it('prints the audit email, which names the sources excluded because moto lacks them', () => {
    // Assess
    expect(run.stdout).toMatch(/^Subject: \[sg-auditor\] 123456789012: 8 unused security groups in 2 regions \(all UNVERIFIED\)$/m);
    expect(run.stdout).toContain(`EXCLUDED SOURCES (skipSources): ${MOTO_MISSING_SOURCES.join(', ')}`);
  });

  it('warns in the audit email that every candidate is unverified by the excluded sources', () => {
    // Assess
    expect(run.stdout).toContain(`WARNING: 8 candidates are UNVERIFIED by: ${[...MOTO_MISSING_SOURCES].sort().join(', ')}.`);
  });

  it('prints the deletion log downloaded from the trail', () => {
    // Assess
    expect(run.stdout).toMatch(/^== deletions\/123456789012\/[\w-]+\/deletion_log\.txt/m);
    expect(run.stdout).toContain('Result: 8 deleted, 0 skipped, 0 failed, 0 kept by reviewer');
  });
});
