import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  /** Wall milliseconds of each run, in run order. */
  helpMs: number[];
  firstCallMs: number[];
  /** CPU milliseconds (user + system) of the same runs: NaN where not measurable. */
  helpCpuMs: number[];
  firstCallCpuMs: number[];
}

interface Timed {
  wallMs: number;
  cpuMs: number;
}

const REPORT_CPU = join(__dirname, 'report-cpu.js');
const TICKS_PER_SECOND = 100;

/** `node ...args` with the CPU reporter preloaded. */
function withCpuReport(command: string[]): string[] {
  return [command[0] as string, '--require', REPORT_CPU, ...command.slice(1)];
}

/** CPU time so far of a live process, from /proc (Linux; clock ticks of 10 ms), else NaN. */
function procCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
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

async function timeHelp(command: string[], env: Record<string, string>, cpuFile: string): Promise<Timed> {
  const wallMs = await new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0] as string, [...withCpuReport(command).slice(1), '--help'], {
      env: { ...env, SG_BENCH_CPU_FILE: cpuFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  const cpuMs = Number(await readFile(cpuFile, 'utf8').catch(() => 'NaN'));
  await rm(cpuFile, { force: true });
  return { wallMs, cpuMs };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function timeFirstCall(command: string[], env: Record<string, string>, region: string, timeoutMs: number): Promise<Timed> {
  let onRequest: () => void = () => undefined;
  const firstRequest = new Promise<Timed>((resolve) => (onRequest = () => resolve({ wallMs: performance.now(), cpuMs: procCpuMs(child.pid) })));
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
    return { wallMs: at.wallMs - started, cpuMs: at.cpuMs };
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
    const cpuFile = join(home, 'cpu-ms');
    const timeout = options.timeoutMs ?? 30_000;
    await timeHelp(command, env, cpuFile);
    await timeFirstCall(command, env, region, timeout);
    const times: StartupTimes = { helpMs: [], firstCallMs: [], helpCpuMs: [], firstCallCpuMs: [] };
    for (let i = 0; i < runs; i++) {
      const help = await timeHelp(command, env, cpuFile);
      const call = await timeFirstCall(command, env, region, timeout);
      times.helpMs.push(help.wallMs);
      times.helpCpuMs.push(help.cpuMs);
      times.firstCallMs.push(call.wallMs);
      times.firstCallCpuMs.push(call.cpuMs);
    }
    return times;
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
  const header = ['how sg-audit runs', '--help: wall, median (min-max)', 'CPU', 'audit --regions <one>: first API call, wall', 'CPU'];
  const cells = rows.map((r) => [r.label, spread(r.times.helpMs), secs(median(r.times.helpCpuMs)), spread(r.times.firstCallMs), secs(median(r.times.firstCallCpuMs))]);
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
