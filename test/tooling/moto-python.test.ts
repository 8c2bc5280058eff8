import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MOTO_REQUIREMENT, MotoUnavailableError, pythonWithMoto, startMoto } from '../../scripts/moto-server';

/**
 * The moto decision with fake interpreters on PATH: a `python3` that has or lacks moto, and the
 * `python` that `python3 -m venv` puts in the project environment. Each fake appends its argv
 * to $FAKE_LOG. The venv's python "gets" moto once pip has run, and serves a stand-in for
 * moto's server (plain node HTTP) when given moto_server.py: this is about which interpreter
 * runs, not about moto.
 */

const VENV_PYTHON = `#!/usr/bin/env bash
echo "venv-python $*" >> "$FAKE_LOG"
dir="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  if [ -n "$FAKE_PIP_FAILS" ]; then echo "ERROR: No matching distribution found for moto" >&2; exit 1; fi
  touch "$dir/moto-installed"; exit 0
fi
if [ "$1" = "-c" ]; then
  if [ -f "$dir/moto-installed" ]; then echo "$0"; exit 0; fi
  echo "ModuleNotFoundError: No module named 'moto'" >&2; exit 1
fi
exec "$FAKE_NODE" -e "require('http').createServer((q, r) => r.end('{}')).listen(Number(process.argv[1]), '127.0.0.1')" "$5"
`;

const PYTHON3_WITHOUT_MOTO = `#!/usr/bin/env bash
echo "python3 $*" >> "$FAKE_LOG"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && cp "$FAKE_VENV_PYTHON" "$3/bin/python" && chmod +x "$3/bin/python"; exit 0
fi
echo "ModuleNotFoundError: No module named 'moto'" >&2; exit 1
`;

const PYTHON3_WITH_MOTO = `#!/usr/bin/env bash
echo "python3 $*" >> "$FAKE_LOG"
echo /opt/python/bin/python3.11
`;

interface Fixture {
  env: NodeJS.ProcessEnv;
  venvDir: string;
  messages: string[];
  calls(): Promise<string[]>;
}

let root: string;

async function fixture(python3: string): Promise<Fixture> {
  const dir = await mkdtemp(join(root, 'case-'));
  const bin = join(dir, 'bin');
  await writeFile(join(dir, 'venv-python'), VENV_PYTHON);
  await chmod(join(dir, 'venv-python'), 0o755);
  await mkdir(bin);
  await writeFile(join(bin, 'python3'), python3);
  await chmod(join(bin, 'python3'), 0o755);
  const log = join(dir, 'calls.log');
  await writeFile(log, '');
  const env = {
    PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    FAKE_LOG: log,
    FAKE_VENV_PYTHON: join(dir, 'venv-python'),
    FAKE_NODE: process.execPath,
  };
  const messages: string[] = [];
  return { env, venvDir: join(dir, '.venv-moto'), messages, calls: async () => (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-moto-python-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('choosing the python that runs moto', () => {
  it('uses python3 itself when it can import moto, and creates no environment', async () => {
    // Prepare
    const f = await fixture(PYTHON3_WITH_MOTO);

    // Act
    const python = pythonWithMoto({ env: f.env, venvDir: f.venvDir, log: (line) => f.messages.push(line) });

    // Assess
    expect(python).toBe('/opt/python/bin/python3.11');
    expect(f.messages).toEqual([]);
    await expect(stat(f.venvDir)).rejects.toThrow(/ENOENT/);
  });

  it('creates the project environment with the pinned moto, and says so, when python3 lacks moto', async () => {
    // Prepare
    const f = await fixture(PYTHON3_WITHOUT_MOTO);

    // Act
    const python = pythonWithMoto({ env: f.env, venvDir: f.venvDir, log: (line) => f.messages.push(line) });

    // Assess
    expect(python).toBe(join(f.venvDir, 'bin', 'python'));
    expect(f.messages[0]).toMatch(`python3 cannot import moto, so ${MOTO_REQUIREMENT} is being installed into ${f.venvDir}`);
    expect(await f.calls()).toEqual([
      expect.stringMatching(/^python3 -c import sys, moto.server/),
      `python3 -m venv ${f.venvDir}`,
      `venv-python -m pip install --quiet --disable-pip-version-check ${MOTO_REQUIREMENT}`,
      expect.stringMatching(/^venv-python -c import sys, moto.server/),
    ]);
  });

  it('reuses the environment on the next run without installing again or saying anything', async () => {
    // Prepare
    const f = await fixture(PYTHON3_WITHOUT_MOTO);
    pythonWithMoto({ env: f.env, venvDir: f.venvDir, log: () => undefined });
    const before = (await f.calls()).length;

    // Act
    const python = pythonWithMoto({ env: f.env, venvDir: f.venvDir, log: (line) => f.messages.push(line) });

    // Assess
    expect(python).toBe(join(f.venvDir, 'bin', 'python'));
    expect(f.messages).toEqual([]);
    expect((await f.calls()).slice(before).filter((call) => /pip|venv /.test(call) && !call.startsWith('venv-python -c'))).toEqual([]);
  });

  it('starts the server with the environment python, whose own PID it can stop', async () => {
    // Prepare
    const f = await fixture(PYTHON3_WITHOUT_MOTO);

    // Act
    const server = await startMoto({ env: f.env, venvDir: f.venvDir, log: () => undefined, timeoutMs: 10_000 });
    const answered = (await fetch(`${server.endpoint}/moto-api/data.json`)).ok;
    await server.stop();
    const afterStop = await fetch(`${server.endpoint}/moto-api/data.json`).then(() => 'answered', () => 'refused');

    // Assess
    expect(answered).toBe(true);
    expect(afterStop).toBe('refused');
    expect(await f.calls()).toContainEqual(expect.stringMatching(new RegExp(`^venv-python \\S+/scripts/moto_server\\.py -H 127\\.0\\.0\\.1 -p ${server.port} --exit-with-parent$`)));
  });

  it('names the fix in one error when the install fails (no PyPI)', async () => {
    // Prepare
    const f = await fixture(PYTHON3_WITHOUT_MOTO);
    const env = { ...f.env, FAKE_PIP_FAILS: '1' };

    // Act
    const attempt = () => pythonWithMoto({ env, venvDir: f.venvDir, log: () => undefined });

    // Assess
    expect(attempt).toThrow(MotoUnavailableError);
    expect(attempt).toThrow(/No matching distribution found for moto.*pip install 'moto\[server\]==5\.2\.1'/);
  });
});

describe('a moto that does not come up', () => {
  it('is killed when it does not answer in time, so it cannot outlive the run', async () => {
    // Prepare: an "interpreter" that starts a process which never listens, and says its PID.
    const dir = await mkdtemp(join(tmpdir(), 'sg-moto-silent-'));
    const pidFile = join(dir, 'pid');
    const silent = join(dir, 'python3');
    await writeFile(
      silent,
      `#!/usr/bin/env bash\nif [ "$1" = "-c" ]; then echo "$0"; exit 0; fi\necho $$ > "${pidFile}"\nexec sleep 60\n`,
    );
    await chmod(silent, 0o755);
    const env = { PATH: [dir, '/usr/bin', '/bin'].join(':') };

    // Act
    const attempt = await startMoto({ env, venvDir: join(dir, '.venv-moto'), timeoutMs: 1_000 }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pid = Number(await readFile(pidFile, 'utf8'));

    // Assess
    expect(attempt).toMatch(/did not answer .* within 1000 ms/);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    await rm(dir, { recursive: true, force: true });
  });
});
