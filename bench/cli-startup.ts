import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * CLI start-up as a user feels it: a fresh `node` process each time, timed from spawn.
 * `--help` is timed to exit; `audit --regions <one>` is timed to its first request on a local
 * HTTP server that stands in for AWS (AWS_ENDPOINT_URL), then killed: what comes after is the
 * audit itself, which the rest of the bench measures.
 */

export interface StartupTimes {
  /** Milliseconds of each run, in run order. */
  helpMs: number[];
  firstCallMs: number[];
}

export const HELP_TARGET_MS = 300;
export const FIRST_CALL_TARGET_MS = 1_000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** An environment with fake credentials, no ~/.aws and no instance metadata: nothing but the CLI itself. */
function isolatedEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

function timeHelp(command: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0] as string, [...command.slice(1), '--help'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command.join(' ')} --help exited ${code}: ${stderr}`));
    });
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function timeFirstCall(command: string[], env: Record<string, string>, region: string, timeoutMs: number): Promise<number> {
  let onRequest: () => void = () => undefined;
  const firstRequest = new Promise<number>((resolve) => (onRequest = () => resolve(performance.now())));
  const server = createServer((req, res) => {
    onRequest();
    req.resume();
    res.writeHead(503).end();
  });
  const port = await listen(server);
  const started = performance.now();
  const child = spawn(command[0] as string, [...command.slice(1), 'audit', '--regions', region, '--quiet'], {
    env: { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const at = await Promise.race([
      firstRequest,
      exited.then(() => Promise.reject(new Error(`${command.join(' ')} audit exited before any request: ${stderr}`))),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no request within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return at - started;
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    await exited;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Runs `command --help` and `command audit --regions <region>` `runs` times each (after one
 * untimed warm-up of each, so the file cache is warm as on a second start).
 */
export async function measureCliStartup(command: string[], options: { runs?: number; region?: string; timeoutMs?: number } = {}): Promise<StartupTimes> {
  const runs = options.runs ?? 5;
  const region = options.region ?? 'us-east-1';
  const home = await mkdtemp(join(tmpdir(), 'sg-audit-bench-home-'));
  try {
    const env = isolatedEnv(home);
    await timeHelp(command, env);
    await timeFirstCall(command, env, region, options.timeoutMs ?? 30_000);
    const helpMs: number[] = [];
    const firstCallMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      helpMs.push(await timeHelp(command, env));
      firstCallMs.push(await timeFirstCall(command, env, region, options.timeoutMs ?? 30_000));
    }
    return { helpMs, firstCallMs };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** One way of running the CLI, measured. */
export interface StartupRow {
  label: string;
  times: StartupTimes;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const spread = (values: number[]): string => `${secs(median(values))} (${secs(Math.min(...values))}-${secs(Math.max(...values))})`;

/**
 * The bench's CLI start-up section; the targets are checked on the first row (the bundle, what
 * users run).
 */
export function formatCliStartup(rows: StartupRow[], note: string): { text: string; ok: boolean } {
  const header = ['how sg-audit runs', '--help: median (min-max)', 'audit --regions <one>: first API call'];
  const cells = rows.map((r) => [r.label, spread(r.times.helpMs), spread(r.times.firstCallMs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const users = rows[0];
  const helpOk = users ? median(users.times.helpMs) < HELP_TARGET_MS : false;
  const callOk = users ? median(users.times.firstCallMs) < FIRST_CALL_TARGET_MS : false;
  const mark = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  const text = [
    'CLI start-up (a fresh node process per run, timed from spawn; the first API call reaches a local HTTP server standing in for AWS)',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
    `  ${mark(helpOk)}  sg-audit --help in ${users ? secs(median(users.times.helpMs)) : 'n/a'} (target < ${secs(HELP_TARGET_MS)})`,
    `  ${mark(callOk)}  sg-audit audit sends its first API call ${users ? secs(median(users.times.firstCallMs)) : 'n/a'} after start (target < ${secs(FIRST_CALL_TARGET_MS)})`,
    note,
    '',
  ].join('\n');
  return { text, ok: helpOk && callOk };
}
