import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditReport } from '../../lambda/core/model';
import { motoEnv } from '../../scripts/moto-server';
import { runCliOnMoto } from '../helpers/cli';
import { MOTO_MISSING_SOURCES, seedRegion, type SeededRegion } from '../../scripts/seed-account';

const REGION = 'eu-west-1';

const cli = (args: string[]) => runCliOnMoto(REGION, args);

describe('sg-audit audit against moto', () => {
  let seeded: SeededRegion;
  let report: AuditReport;
  let outDir: string;
  let stderr: string;

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    seeded = await seedRegion(REGION);
    outDir = await mkdtemp(join(tmpdir(), 'sg-audit-cli-'));
    const result = await cli([
      'audit',
      '--regions',
      REGION,
      '--json',
      '--out',
      outDir,
      '--min-age-days',
      '0',
      '--skip-sources',
      MOTO_MISSING_SOURCES.join(','),
    ]);
    expect(result.code).toBe(0);
    report = JSON.parse(result.stdout) as AuditReport;
    stderr = result.stderr;
  }, 120_000);

  it('gives every seeded group the verdict its use calls for', () => {
    const verdicts = Object.fromEntries(
      seeded.groups.map((g) => [g.name, report.regions[0]?.groups.find((r) => r.groupId === g.groupId)?.verdict]),
    );
    expect(verdicts).toEqual(Object.fromEntries(seeded.groups.map((g) => [g.name, g.expected])));
  });

  it('names every excluded source in the report and marks it skipped', () => {
    expect(report.skippedSources).toEqual([...MOTO_MISSING_SOURCES]);
    // The scans are in the registry's order, which the list need not follow.
    const skipped = report.regions[0]?.scans.filter((s) => s.status === 'skipped').map((s) => s.source);
    expect([...(skipped ?? [])].sort()).toEqual([...MOTO_MISSING_SOURCES].sort());
  });

  it('runs every other source successfully against the emulator', () => {
    expect(report.regions[0]?.scans.filter((s) => s.status === 'failed')).toEqual([]);
  });

  it('prints a JSON report that keeps the public contract fields on every group', () => {
    expect(report.schemaVersion).toBe(2);
    for (const g of report.regions.flatMap((r) => r.groups)) {
      expect(g).toEqual(expect.objectContaining({ groupId: expect.any(String), region: REGION, verdict: expect.any(String), reasons: expect.any(Array), usages: expect.any(Array) }));
    }
  });

  it('writes the report, the human log and the backup to --out', async () => {
    expect((await readdir(outDir)).sort()).toEqual(['123456789012_sg_log.txt', 'backup.json', 'report.json']);
    const log = await readFile(join(outDir, '123456789012_sg_log.txt'), 'utf8');
    const unused = seeded.groups.find((g) => g.name === 'launch-wizard-3');
    expect(log).toMatch(new RegExp(`Checking security group \\(\\d+/\\d+\\): ${unused?.groupId} \\(launch-wizard-3\\) ${REGION}/vpc-`));
    expect(log).toContain('verdict: CANDIDATE');
    const backup = JSON.parse(await readFile(join(outDir, 'backup.json'), 'utf8')) as { groups: Array<{ groupId: string; ingress: unknown[] }> };
    expect(backup.groups.find((g) => g.groupId === unused?.groupId)?.ingress).toEqual([
      expect.objectContaining({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }),
    ]);
  });

  it('reports progress per region on stderr, and no per-source lines without --verbose', () => {
    expect(stderr).toContain(`[${REGION}] inventory:`);
    expect(stderr).not.toContain(`[${REGION}] network-interfaces: ok`);
  });

  it('prints a summary table on stdout without --json', async () => {
    const result = await cli(['audit', '--regions', REGION, '--min-age-days', '0', '--quiet', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^region\s+status\s+groups\s+in-use\s+candidates/);
    expect(result.stdout).toContain(`Excluded sources: ${MOTO_MISSING_SOURCES.join(', ')}`);
    expect(result.stderr).toBe('');
  }, 60_000);

  it('rejects a region that is not enabled for the account with one line and exit code 2', async () => {
    const result = await cli(['audit', '--regions', 'xx-nowhere-1']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('xx-nowhere-1 not enabled')]);
  }, 60_000);
});

describe('the --json report contract', () => {
  it('validates against the published report schema', async () => {
    const { auditReportSchema } = await import('../../lambda/core/report-schema');
    const outDir = await mkdtemp(join(tmpdir(), 'sg-audit-json-'));
    const result = await cli(['audit', '--regions', 'eu-central-1', '--json', '--quiet', '--out', outDir, '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);
    expect(result.code).toBe(0);
    expect(auditReportSchema.safeParse(JSON.parse(result.stdout)).error).toBeUndefined();
    expect(await readFile(join(outDir, 'report.json'), 'utf8')).toBe(result.stdout);
  }, 60_000);
});
