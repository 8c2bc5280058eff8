import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Starts moto (python3 -m moto.server via scripts/moto_server.py), the local AWS API emulator
 * used by the integration tests and `npm run demo`, on a free loopback port.
 */

export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The moto this project is tested against; installed into MOTO_VENV where python3 lacks moto. */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.1';

/** The project-local Python environment for moto (gitignored). */
export const MOTO_VENV = join(__dirname, '..', '.venv-moto');

export interface PythonOptions {
  /** Where to look for python3 (PATH) and what the children inherit; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The project-local environment; default MOTO_VENV. */
  venvDir?: string;
  /** Progress lines (the one-time install); default stderr. */
  log?: (line: string) => void;
}

/** The real interpreter of `python` if it can import moto.server, else undefined. */
function interpreterWithMoto(python: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync(python, ['-c', 'import sys, moto.server; print(sys.executable)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    }).trim();
  } catch {
    return undefined;
  }
}

function runInstallStep(command: string, args: string[], env: NodeJS.ProcessEnv, fix: string): void {
  try {
    execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const output = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ') || e.message;
    throw new MotoUnavailableError(`${command} ${args.join(' ')} failed (${output}): ${fix}`);
  }
}

/**
 * The real interpreter that imports moto (pyenv's shim forks, so the PID we kill must be
 * python's own): python3's own where it has moto; else the project-local MOTO_VENV, created and
 * given MOTO_REQUIREMENT on first use (needs PyPI). Throws MotoUnavailableError with the fix.
 */
export function pythonWithMoto(options: PythonOptions = {}): string {
  const env = options.env ?? process.env;
  const venvDir = options.venvDir ?? MOTO_VENV;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const system = interpreterWithMoto('python3', env);
  if (system) return system;
  const venvPython = join(venvDir, 'bin', 'python');
  const ready = existsSync(venvPython) ? interpreterWithMoto(venvPython, env) : undefined;
  if (ready) return ready;
  const fix = `install it yourself with pip install '${MOTO_REQUIREMENT}' (for python3), or delete ${venvDir} and retry`;
  log(`moto: python3 cannot import moto, so ${MOTO_REQUIREMENT} is being installed into ${venvDir} (once; needs PyPI)...`);
  if (!existsSync(venvPython)) runInstallStep('python3', ['-m', 'venv', venvDir], env, `${fix} (Debian's python3 needs apt-get install python3-venv)`);
  runInstallStep(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', MOTO_REQUIREMENT], env, fix);
  const installed = interpreterWithMoto(venvPython, env);
  if (!installed) throw new MotoUnavailableError(`${venvPython} still cannot import moto after the install: ${fix}`);
  log(`moto: installed into ${venvDir}`);
  return installed;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new MotoUnavailableError(`moto exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new MotoUnavailableError(`moto did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(options: { timeoutMs?: number } & PythonOptions = {}): Promise<MotoServer> {
  const python = pythonWithMoto(options);
  const port = await freePort();
  // moto_server.py is moto's own server plus empty answers for the listings moto lacks.
  // Its stdin is a pipe from this process: when this process ends, however it ends, moto exits.
  const child = spawn(python, [join(__dirname, 'moto_server.py'), '-H', '127.0.0.1', '-p', String(port), '--exit-with-parent'], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...(options.env ?? process.env), PYTHONWARNINGS: 'ignore' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    // A moto that never answered must not outlive the run that started it.
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Environment that points the AWS SDK (and the code under test) at a moto server. */
export function motoEnv(endpoint: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_MAX_ATTEMPTS: '2',
  };
}
