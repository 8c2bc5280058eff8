import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'bin', 'sg-audit.js');

describe('sg-audit without credentials', () => {
  it('says in one line how to configure credentials and exits 1, with no stack trace', async () => {
    // Prepare: a clean environment with no credentials anywhere (and no instance metadata).
    const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' };

    // Act
    const failure = await run('node', [CLI, 'audit', '--regions', 'us-east-1'], { env }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sg-audit: no AWS credentials found: configure them/)]);
  }, 30_000);
});
