import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditCommand, describeStartupError, parseAuditArgs } from '../../lambda/cli/audit-command';
import { UsageError } from '../../lambda/cli/io';
import { COMMANDS, main } from '../../lambda/cli/main';
import { createRestoreCommand } from '../../lambda/cli/restore-command';
import { io } from '../helpers/cli-io';


afterEach(() => {
  jest.restoreAllMocks();
});

describe('CLI flag messages', () => {
  it('gives a negative --min-age-days the range message the configuration uses', () => {
    // Prepare / Act / Assess
    expect(() => parseAuditArgs(['--min-age-days', '-3'])).toThrow(new UsageError('--min-age-days must be a whole number from 0 to 90, got "-3"'));
  });

  it('says a malformed --group is malformed and what a group id looks like', async () => {
    // Prepare
    const factory = jest.fn();
    const restore = createRestoreCommand({ factory });

    // Act
    const run = restore(['--backup', 'backup.json', '--group', 'sg-XYZ'], io());

    // Assess
    await expect(run).rejects.toThrow('--group: "sg-XYZ" is malformed: a security group id is "sg-" and hex digits, e.g. sg-0123456789abcdef0');
    expect(factory).not.toHaveBeenCalled();
  });

  it('rejects an --out that cannot be a directory before any AWS client exists', async () => {
    // Prepare
    const file = join(await mkdtemp(join(tmpdir(), 'sg-out-')), 'report.txt');
    await writeFile(file, 'x');
    const factory = jest.fn();

    // Act
    const run = createAuditCommand({ factory })(['--out', file, '--regions', 'us-east-1'], io());

    // Assess
    await expect(run).rejects.toThrow(`--out: cannot write to ${file}: it is a file, not a directory`);
    expect(factory).not.toHaveBeenCalled();
  });

  it('says in one line that the serve --port is in use, exit 2', async () => {
    // Prepare
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    const terminal = io();

    // Act
    const code = await main(['serve', '--port', String(port)], terminal);
    busy.close();

    // Assess
    expect(code).toBe(2);
    expect(terminal.stderr).toBe(`sg-audit serve: --port: port ${port} on 127.0.0.1 is in use: pick another, or 0 for any free port\n`);
  });

  it('prints an unexpected error as its message, without the class name', async () => {
    // Prepare
    const terminal = io();
    jest.spyOn(COMMANDS.restore as NonNullable<(typeof COMMANDS)['restore']>, 'load').mockResolvedValue(async () => {
      throw new TypeError('Cannot read properties of undefined');
    });

    // Act
    const code = await main(['restore'], terminal);

    // Assess
    expect(code).toBe(1);
    expect(terminal.stderr).toBe('sg-audit restore: Cannot read properties of undefined (SG_AUDIT_DEBUG=1 shows where)\n');
  });

  it('explains an unknown startup failure without the error class name', () => {
    // Prepare
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'), { name: 'TimeoutErrorLike' });

    // Act / Assess
    expect(describeStartupError(error)).toBe('cannot reach AWS: getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com');
  });
});
