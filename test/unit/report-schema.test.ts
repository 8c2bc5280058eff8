import { createHash } from 'node:crypto';
import { auditArtifacts } from '../../lambda/core/backup';
import { REPORT_SCHEMA_VERSION } from '../../lambda/core/model';
import { auditReportSchema, parseReport, readAuditReport, ReportSchemaError } from '../../lambda/core/report-schema';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

/** A report as version 1 wrote it: one protectTag, no production tag, no unverifiedBy. */
function versionOneReport(): Record<string, unknown> {
  const current = auditReport([
    regionReport('us-east-1', [candidate('sg-0a')], {
      scans: [
        { source: 'network-interfaces', status: 'ok', apiCalls: 1, usageCount: 0 },
        { source: 'ecs-services', status: 'skipped', note: 'excluded by skipSources', apiCalls: 0, usageCount: 0 },
      ],
    }),
  ]);
  const { regions, protectNamePatterns, minAgeDays } = current.settings;
  const settings = { regions, skipSources: ['ecs-services'], protectTag: { key: 'Keep', value: 'yes' }, protectNamePatterns, minAgeDays };
  return { ...current, schemaVersion: 1, skippedSources: ['ecs-services'], settings };
}

describe('the report schema', () => {
  it('is at version 2, where settings hold lists of protection and production tags', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a', 'us-east-1', { unverifiedBy: ['ecs-services'] })])]);

    // Act
    const parsed = auditReportSchema.safeParse(JSON.parse(JSON.stringify(report)));

    // Assess
    expect(REPORT_SCHEMA_VERSION).toBe(2);
    expect(parsed.error).toBeUndefined();
  });

  it('rejects a candidate whose unverifiedBy names something that is not a source', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a', 'us-east-1', { unverifiedBy: ['teleporters' as never] })])]);

    // Act / Assess
    expect(() => readAuditReport(JSON.parse(JSON.stringify(report)))).toThrow(/unverifiedBy/);
  });
});

describe('the backup SHA-256 in the report', () => {
  it('is the hash of the exact backup bytes written with the report, and the report bytes carry it', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])]);

    // Act
    const artifacts = auditArtifacts(report);

    // Assess
    const written = parseReport(artifacts.reportBytes.toString('utf8'));
    expect(written.backupSha256).toBe(createHash('sha256').update(artifacts.backupBytes).digest('hex'));
    expect(artifacts.reportSha256).toBe(createHash('sha256').update(artifacts.reportBytes).digest('hex'));
  });

  it('is optional, so reports written before it are still read', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])]);

    // Act / Assess
    expect(parseReport(JSON.stringify(report)).backupSha256).toBeUndefined();
  });

  it('rejects a backupSha256 that is not a hex SHA-256', () => {
    // Prepare
    const report = { ...auditReport([regionReport('us-east-1', [candidate('sg-0a')])]), backupSha256: 'abc' };

    // Act / Assess
    expect(() => parseReport(JSON.stringify(report))).toThrow(/backupSha256/);
  });
});

describe('readAuditReport with a schema version 1 report', () => {
  it('upgrades its one protectTag to the only protection tag, with no production tag', () => {
    // Prepare / Act
    const { report, upgradedFrom } = readAuditReport(versionOneReport());

    // Assess
    expect(upgradedFrom).toBe(1);
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(report.settings.protectTags).toEqual([{ key: 'Keep', value: 'yes' }]);
    expect(report.settings.productionTags).toEqual([]);
  });

  it('marks its candidates unverified by the sources its region skipped', () => {
    // Prepare / Act
    const { report } = readAuditReport(versionOneReport());

    // Assess
    expect(report.regions[0]?.groups[0]?.unverifiedBy).toEqual(['ecs-services']);
  });

  it('still refuses a version 1 report that is malformed, saying where', () => {
    // Prepare
    const broken = { ...versionOneReport(), settings: { regions: 'all' } };

    // Act / Assess
    expect(() => readAuditReport(broken)).toThrow(ReportSchemaError);
    expect(() => readAuditReport(broken)).toThrow(/does not match schema version 1: settings\.skipSources/);
  });
});

describe('readAuditReport with other versions', () => {
  it('refuses a schema version it does not know, naming the supported ones', () => {
    // Prepare
    const future = { ...JSON.parse(JSON.stringify(auditReport([]))), schemaVersion: 3 };

    // Act / Assess
    expect(() => readAuditReport(future)).toThrow(/schemaVersion 3; supported: 1, 2/);
  });

  it('reads report text that is not JSON as a ReportSchemaError', () => {
    // Act / Assess
    expect(() => parseReport('{not json')).toThrow(ReportSchemaError);
  });
});

describe('the coverage figure in the report', () => {
  const coverage = { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' };

  it('is read back as written', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])], { coverage });

    // Act / Assess
    expect(parseReport(JSON.stringify(report)).coverage).toEqual(coverage);
  });

  it('is optional, so reports written before it are still read', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])]);

    // Act / Assess
    expect(parseReport(JSON.stringify(report)).coverage).toBeUndefined();
  });

  it('rejects a count that is not a whole number, naming the field', () => {
    // Prepare
    const report = { ...auditReport([regionReport('us-east-1', [candidate('sg-0a')])]), coverage: { ...coverage, notScanned: -1 } };

    // Act / Assess
    expect(() => parseReport(JSON.stringify(report))).toThrow(/coverage\.notScanned/);
  });
});
