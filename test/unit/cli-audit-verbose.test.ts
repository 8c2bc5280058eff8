import { parseAuditArgs, progressLine, slowestSources } from '../../lambda/cli/audit-command';
import type { ScanSummary } from '../../lambda/core/model';
import { auditReport, regionReport } from '../helpers/audit-report';

function scan(source: ScanSummary['source'], durationMs: number | undefined, extra: Partial<ScanSummary> = {}): ScanSummary {
  return { source, status: 'ok', apiCalls: 2, usageCount: 0, ...(durationMs !== undefined ? { durationMs } : {}), ...extra };
}

describe('sg-audit audit --verbose', () => {
  it('is off unless asked for', () => {
    expect(parseAuditArgs([])).not.toHaveProperty('verbose');
    expect(parseAuditArgs(['--verbose'])).toMatchObject({ verbose: true });
  });

  it('lists the slowest sources of every region, slowest first, with their calls, shared listings and failures', () => {
    // Prepare
    const report = auditReport([
      regionReport('us-east-1', [], {
        scans: [
          scan('lambda', 1_240, { apiCalls: 1 }),
          scan('network-interfaces', 310, { apiCalls: 0, sharedListings: ['ec2:network-interfaces'] }),
          scan('mwaa', 0, { status: 'skipped' }),
        ],
      }),
      regionReport('eu-west-1', [], { scans: [scan('eks', 2_500, { status: 'failed', error: { code: 'TimeoutError', message: 'no answer' } })] }),
    ]);

    // Act
    const text = slowestSources(report);

    // Assess
    expect(text).toBe(
      [
        'Slowest sources:',
        '  eu-west-1 eks: 2.50 s, 2 API calls, FAILED TimeoutError',
        '  us-east-1 lambda: 1.24 s, 1 API call',
        '  us-east-1 network-interfaces: 0.31 s, 0 API calls (+ shared ec2:network-interfaces)',
        '',
      ].join('\n'),
    );
  });

  it('shows at most ten sources, and nothing for a report made before durations were recorded', () => {
    // Prepare
    const many = regionReport('us-east-1', [], { scans: Array.from({ length: 12 }, (_, i) => scan('lambda', i)) });
    const old = regionReport('us-east-1', [], { scans: [scan('lambda', undefined)] });

    // Act / Assess
    expect(slowestSources(auditReport([many])).trim().split('\n')).toHaveLength(11);
    expect(slowestSources(auditReport([old]))).toBe('');
  });
});

describe('sg-audit audit progress', () => {
  it('shows a failed source with its reason even without --verbose', () => {
    // Prepare / Act
    const line = progressLine({ kind: 'scan', region: 'us-east-1', source: 'rds', status: 'failed', usages: 0, error: { code: 'AccessDenied', message: 'no rds:DescribeDBInstances' } });

    // Assess
    expect(line).toBe('[us-east-1] rds: FAILED: AccessDenied: no rds:DescribeDBInstances');
  });

  it('shows per-source lines only with --verbose', () => {
    // Prepare
    const event = { kind: 'scan', region: 'us-east-1', source: 'lambda', status: 'ok', usages: 2 } as const;

    // Act / Assess
    expect(progressLine(event)).toBeUndefined();
    expect(progressLine(event, true)).toBe('[us-east-1] lambda: ok, 2 usages');
  });
});
