import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedRecord } from '../../lambda/core/deletion-contract';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { auditCompletedEvent, deletionEndedEvent, deletionStartedEvent, eventJsonSchemas } from '../../lambda/core/events';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

const LINK = 'https://abc.lambda-url.us-east-1.on.aws/?t=eyJ2IjoyfQ.c2ln';

describe('sg-auditor events (pure)', () => {
  it('announces a finished audit with its totals, failed regions and report, never the approval link', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')]), regionReport('eu-west-1', [], { status: 'failed' })]);

    // Act
    const event = auditCompletedEvent(report, 's3://b/audits/r.json', false, '2026-12-08T02:00:00.000Z');

    // Assess
    expect(event.detailType).toBe('Audit Completed');
    expect(event.detail).toMatchObject({ totals: { candidates: 1 }, regions: 2, failedRegions: ['eu-west-1'], report: 's3://b/audits/r.json', linkExpiresAt: '2026-12-08T02:00:00.000Z' });
    expect(JSON.stringify(event)).not.toContain(LINK.slice(0, 30));
    expect(JSON.stringify(event)).not.toMatch(/[?&]t=/);
  });

  it('announces a started deletion with what was selected and kept', () => {
    // Prepare
    const record: StartedRecord = { auditId: 'a1', accountId: '123456789012', startedAt: '2026-12-03T09:00:00.000Z', requester: { via: 'approval-link', sourceIp: '203.0.113.9' }, selected: 5, kept: 1, regions: ['us-east-1'] };

    // Act
    const event = deletionStartedEvent(record);

    // Assess
    expect(event).toEqual({ detailType: 'Deletion Started', resources: [], detail: { auditId: 'a1', accountId: '123456789012', startedAt: record.startedAt, selected: 5, kept: 1, regions: ['us-east-1'], via: 'approval-link' } });
  });

  it('names an aborted deletion Deletion Aborted, with the reason', () => {
    // Prepare
    const result = { auditId: 'a1', accountId: '123456789012', status: 'aborted', abortReason: 'States.Timeout', startedAt: 's', finishedAt: 'f', totals: { deleted: 1, skipped: 2, failed: 0, keptByReviewer: 0 } } as unknown as DeletionResult;

    // Act
    const event = deletionEndedEvent(result, 's3://b/deletions/result.json');

    // Assess
    expect(event.detailType).toBe('Deletion Aborted');
    expect(event.detail).toMatchObject({ status: 'aborted', abortReason: 'States.Timeout', totals: { deleted: 1, skipped: 2 } });
  });

  it('keeps the JSON Schemas printed in docs/integrations.md current', () => {
    // Prepare
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'integrations.md'), 'utf8');
    const block = /<!-- event-schemas:start -->\n```json\n([\s\S]*?)\n```\n<!-- event-schemas:end -->/.exec(doc)?.[1];

    // Act
    const printed = JSON.parse(block ?? 'null') as unknown;

    // Assess
    expect(printed).toEqual(eventJsonSchemas());
  });
});
