import { oneLine, renderDeletionEmail, renderDeletionLog } from '../../lambda/core/deletion-log';
import { countOutcomes, type DeletionResult, type GroupOutcome } from '../../lambda/core/deletion-plan';

/** Right-to-left override, left-to-right isolate, pop isolate, zero width space, BOM, line separator. */
const INVISIBLE = ['\u202e', '\u2066', '\u2069', '\u200b', '\ufeff', '\u2028'];

function result(outcomes: GroupOutcome[], requester: DeletionResult['requester'] = { via: 'approval-link' }): DeletionResult {
  return {
    schemaVersion: 1,
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
