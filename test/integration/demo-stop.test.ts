import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

/** Starts `npm run demo` in its own process group and resolves with moto's pid once it listens. */
function startDemo(): Promise<{ npm: ChildProcess; motoPid: number }> {
  return new Promise((resolve, reject) => {
    const npm = spawn('npm', ['run', 'demo', '--silent'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOTO_ENDPOINT: '', AWS_ENDPOINT_URL: '' },
    });
    let out = '';
    npm.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const pid = /moto is listening on \S+ \(pid (\d+)\)/.exec(out)?.[1];
      if (pid) resolve({ npm, motoPid: Number(pid) });
    });
    npm.on('close', () => reject(new Error(`demo ended before moto listened: ${out}`)));
  });
}

describe('stopping npm run demo', () => {
  it('stops moto when the process group gets SIGTERM', async () => {
    // Prepare
    const { npm, motoPid } = await startDemo();

    // Act
    process.kill(-(npm.pid ?? 0), 'SIGTERM');

    // Assess
    expect(await gone(motoPid, 10_000)).toBe(true);
  }, 120_000);

  it('stops moto even when the demo process itself is killed outright', async () => {
    // Prepare: moto's parent is the demo's node process (npm and tsx sit above it).
    const { npm, motoPid } = await startDemo();
    const demoPid = Number(readFileSync(`/proc/${motoPid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);

    // Act
    process.kill(demoPid, 'SIGKILL');

    // Assess
    const stopped = await gone(motoPid, 10_000);
    for (const pid of [-(npm.pid ?? 0), motoPid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    expect(stopped).toBe(true);
  }, 120_000);
});

describe('npm run demo -- --port', () => {
  it('says in one line that a busy port is in use, and exits 2 before starting moto', async () => {
    // Prepare
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;

    // Act
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('npx', ['tsx', 'scripts/demo.ts', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    busy.close();

    // Assess
    expect(run).toEqual({ code: 2, stdout: '', stderr: `demo: --port: port ${port} on 127.0.0.1 is in use: pick another, or 0 for any free port\n` });
  }, 60_000);
});
