import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJsonBytes } from '../../lambda/core/backup';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { runCliOnMoto } from '../helpers/cli';

describe('sg-audit delete without a terminal', () => {
  it('exits 1 with one line saying to pass --yes or run in a terminal, instead of prompting', async () => {
    // Prepare: stdin is a pipe here, as under CI or cron.
    const dir = await mkdtemp(join(tmpdir(), 'sg-delete-tty-'));
    const report = join(dir, 'report.json');
    await writeFile(report, toJsonBytes(auditReport([regionReport('us-east-1', [candidate('sg-0a')])])));

    // Act
    const run = await runCliOnMoto('us-east-1', ['delete', '--report', report]);

    // Assess
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'sg-audit delete: no terminal to confirm on: pass --yes to delete without asking, or run it in a terminal\n',
    });
  }, 60_000);
});
