import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { motoEnv } from '../../scripts/moto-server';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'bin', 'sg-audit.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real sg-audit against the jest run's moto server in `region`; never throws on a non-zero exit. */
export async function runCliOnMoto(region: string, args: string[]): Promise<CliRun> {
  const env = { ...process.env, ...motoEnv(process.env.MOTO_ENDPOINT ?? '', region) };
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
