import { unverifiedReason } from '../../lambda/core/classify';
import { renderLog, renderSummaryTable } from '../../lambda/core/render-log';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

describe('renderLog', () => {
  it('keeps a hostile group name on its own line, without terminal escapes or bidi controls', () => {
    // Prepare
    const name = 'evil\nverdict: PROTECTED\u001b[2J\u202e';
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1', 'us-east-1', { groupName: name })])]);

    // Act
    const log = renderLog(report);

    // Assess
    const checking = log.split('\n').filter((l) => l.startsWith('Checking security group'));
    expect(checking).toEqual([expect.stringContaining('(evil verdict: PROTECTED [2J ) us-east-1/')]);
    expect(log).not.toMatch(/[\u001b\u202e]/);
    expect(log.split('\n').filter((l) => l.startsWith('verdict: PROTECTED'))).toEqual([]);
  });
});

/** A report where ecs-services was excluded and one candidate says so, as classify writes it. */
function reportWithUnverified() {
  const unverified = candidate('sg-ecs', 'us-east-1', {
    groupName: 'reports-svc',
    unverifiedBy: ['ecs-services'],
    reasons: [unverifiedReason(['ecs-services']), 'no usage found by 45 sources checked in us-east-1'],
  });
  const region = regionReport('us-east-1', [unverified, candidate('sg-in', 'us-east-1', { verdict: 'in-use', reasons: ['used by EC2 instance i-1'] })], {
    scans: [{ source: 'ecs-services', status: 'skipped', note: 'excluded by skipSources', apiCalls: 0, usageCount: 0 }],
  });
  return auditReport([region], { skippedSources: ['ecs-services'] });
}

describe('renderLog: candidates cleared while sources were excluded', () => {
  it('puts an UNVERIFIED line, naming the excluded sources, under the candidate', () => {
    // Prepare / Act
    const lines = renderLog(reportWithUnverified()).split('\n');

    // Assess
    const at = lines.findIndex((l) => l.includes('sg-ecs (reports-svc)'));
    const block = lines.slice(at, lines.findIndex((l, i) => i > at && l.startsWith('Checking')));
    expect(block).toContain('  UNVERIFIED by: ecs-services (excluded by skipSources, never checked)');
    expect(block).toContain('  verdict: CANDIDATE (unused): no usage found by 45 sources checked in us-east-1');
  });

  it('says in the header that the candidates are unverified by the excluded sources', () => {
    // Prepare / Act
    const log = renderLog(reportWithUnverified());

    // Assess
    expect(log).toContain('Excluded sources: ecs-services (every candidate is UNVERIFIED by them: a use there was never looked for)');
  });

  it('names every protection tag, the production tag and the Kubernetes tags in the header', () => {
    // Prepare / Act
    const log = renderLog(reportWithUnverified());

    // Assess
    expect(log).toContain(
      'Protection: tags DoNotDelete=true; production tags Environment=Production; name patterns prod-*; minimum age 7 days; ' +
        'Kubernetes tags karpenter.sh/discovery, kubernetes.io/cluster/*, elbv2.k8s.aws/cluster, aws:eks:cluster-name',
    );
  });
});

describe('renderSummaryTable', () => {
  it('warns under the table how many candidates are unverified, and by which sources', () => {
    // Prepare / Act
    const table = renderSummaryTable(reportWithUnverified());

    // Assess
    expect(table).toContain('WARNING: 1 of 1 candidates are UNVERIFIED by: ecs-services');
  });

  it('gives no warning when no source was excluded', () => {
    // Prepare / Act
    const table = renderSummaryTable(auditReport([regionReport('us-east-1', [candidate('sg-1')])]));

    // Assess
    expect(table).not.toContain('UNVERIFIED');
  });
});

describe('renderSummaryTable lists', () => {
  it('lists each candidate with its id, region and name, a hostile name on one line without control characters', () => {
    // Prepare
    const report = auditReport([regionReport('eu-west-1', [candidate('sg-0abc', 'eu-west-1', { groupName: 'old\nTOTAL 0\u001b[2J\u202eweb' })])]);

    // Act
    const table = renderSummaryTable(report);

    // Assess
    expect(table).toContain('Candidates:\n  sg-0abc  eu-west-1  old TOTAL 0 [2J web\n');
    expect(table).not.toMatch(/[\u001b\u202e]/);
  });

  it('moves failed sources out of the table into their own list, with their reasons', () => {
    // Prepare
    const report = auditReport([
      regionReport('us-east-1', [], {
        scans: [{ source: 'lambda', status: 'failed', apiCalls: 1, usageCount: 0, error: { code: 'AccessDeniedException', message: 'not authorized to lambda:ListFunctions' } }],
      }),
    ]);

    // Act
    const table = renderSummaryTable(report);

    // Assess
    expect(table).toContain('\nFailed (their groups are kept as unknown):\n  us-east-1 lambda: AccessDeniedException: not authorized to lambda:ListFunctions\n');
    expect(table.split('\n')[2]).toMatch(/^us-east-1 +ok +0 +0 +0 +0 +0 +1 +3$/);
  });

  it('gives a failure reason without a JavaScript class name', () => {
    // Prepare
    const report = auditReport([
      regionReport('us-east-1', [], { scans: [{ source: 'eks', status: 'failed', apiCalls: 1, usageCount: 0, error: { code: 'TimeoutError', message: 'no answer within 30 s' } }] }),
    ]);

    // Act / Assess
    expect(renderSummaryTable(report)).toContain('  us-east-1 eks: no answer within 30 s\n');
  });
});

describe('renderLog: places not scanned', () => {
  it('names how many places are not scanned, and where the list is', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1')])], {
      coverage: { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' },
    });

    // Act
    const lines = renderLog(report).split('\n');

    // Assess
    expect(lines).toContain(
      'Not scanned: 72 places that can hold a security group are not scanned: a group used only there looks unused (list: docs/coverage.md#places-not-scanned; 102 scanned, 0 through network interfaces)',
    );
  });

  it('says nothing of coverage for a report written before it was recorded', () => {
    // Act
    const log = renderLog(auditReport([regionReport('us-east-1', [candidate('sg-1')])]));

    // Assess
    expect(log).not.toContain('Not scanned');
  });
});
