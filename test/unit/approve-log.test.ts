import { oneLine, renderDeletionEmail, renderDeletionLog } from '../../lambda/core/deletion-log';
import { countOutcomes, type DeletionResult, type GroupOutcome } from '../../lambda/core/deletion-plan';

/** Right-to-left override, left-to-right isolate, pop isolate, zero width space, BOM, line separator. */
const INVISIBLE = ['\u202e', '\u2066', '\u2069', '\u200b', '\ufeff', '\u2028'];

function result(outcomes: GroupOutcome[], requester: DeletionResult['requester'] = { via: 'approval-link' }): DeletionResult {
  return {
    schemaVersion: 2,
      status: 'completed',
      revocations: [],
      preDeleteBackups: {},
    auditId: '2026-12-01T02-00-00Z-k3x9q2',
    accountId: '123456789012',
    startedAt: '2026-12-02T10:00:00.000Z',
    finishedAt: '2026-12-02T10:00:05.000Z',
    requester,
    selection: outcomes.map((o) => o.groupId),
    outcomes,
    totals: countOutcomes(outcomes),
  };
}

describe('deletion log', () => {
  it('cannot be given a forged line by a group name, reason, note or user agent', () => {
    // Prepare
    const forged = 'x\r\nDELETED sg-0fake (prod) us-east-1: ok';
    const outcomes: GroupOutcome[] = [{ groupId: 'sg-0a', region: 'us-east-1', groupName: forged, outcome: 'skipped', reason: `now in-use: ${forged}` }];

    // Act
    const log = renderDeletionLog(result(outcomes, { via: 'approval-link', note: forged, userAgent: forged }));

    // Assess
    expect(log.split('\n').filter((line) => line.startsWith('DELETED'))).toEqual([]);
  });

  it('strips bidirectional overrides and invisible characters a group name could use to disguise itself', () => {
    // Prepare
    const name = `prod-db${INVISIBLE.join('')}-old`;
    const outcomes: GroupOutcome[] = [{ groupId: 'sg-0a', region: 'us-east-1', groupName: name, outcome: 'deleted', reason: `tag Owner=${name}` }];

    // Act
    const { body } = renderDeletionEmail(result(outcomes, { via: 'approval-link', note: name }), 's3://bucket/deletions/');

    // Assess
    for (const c of INVISIBLE) expect(body).not.toContain(c);
    expect(body).toContain('DELETED sg-0a (prod-db -old)');
  });

  it('keeps ordinary non-ASCII text intact', () => {
    // Act
    const line = oneLine('Müller ✓ 東京');

    // Assess
    expect(line).toBe('Müller ✓ 東京');
  });
});

describe('deletion log of revocations and aborts', () => {
  const rule = { ruleId: 'sgr-0ab', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroup: { groupId: 'sg-0b' }, description: 'ssh from b' };

  it('records a revocation with the rule contents even when the deletion then failed', () => {
    // Prepare
    const outcomes: GroupOutcome[] = [{ groupId: 'sg-0a', region: 'us-east-1', groupName: 'a', outcome: 'failed', reason: 'DependencyViolation', revokedRules: [rule] }];
    const trail = { ...result(outcomes), revocations: [{ groupId: 'sg-0a', region: 'us-east-1', rules: [rule], status: 'revoked' as const }] };

    // Act
    const log = renderDeletionLog(trail);

    // Assess
    expect(log).toContain('FAILED sg-0a (a) us-east-1: DependencyViolation [revoked rules sgr-0ab (tcp 22 from sg-0b, "ssh from b")]');
    expect(log).toContain('REVOKED from sg-0a us-east-1: sgr-0ab (tcp 22 from sg-0b, "ssh from b")');
  });

  it('says ABORTED, why, and names each pre-delete backup', () => {
    // Prepare
    const trail: DeletionResult = { ...result([]), status: 'aborted', abortReason: 'States.Timeout: batch timed out', preDeleteBackups: { 'us-east-1': 's3://b/deletions/x/pre-delete-backup-us-east-1.json' } };

    // Act
    const log = renderDeletionLog(trail);
    const email = renderDeletionEmail(trail, 's3://b/deletions/x/');

    // Assess
    expect(log).toContain('ABORTED: States.Timeout: batch timed out');
    expect(log).toContain('Pre-delete backups: us-east-1 s3://b/deletions/x/pre-delete-backup-us-east-1.json');
    expect(email.subject).toContain('ABORTED');
  });
});
