import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { Integrations } from '../../lambda/aws/integrations';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { EVENT_SCHEMAS, type EventDetailType } from '../../lambda/core/events';
import { findingId } from '../../lambda/core/findings';
import { motoEnv } from '../../scripts/moto-server';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

/** Regions of this file (test/integration/README.md). */
const HUB = 'il-central-1';
const NO_HUB = 'ap-southeast-3';
const ACCOUNT = '123456789012';

const logs: Array<{ level: string; message: string; extra: unknown }> = [];
const logger = {
  info: (message: string, ...extra: unknown[]) => logs.push({ level: 'info', message, extra }),
  warn: (message: string, ...extra: unknown[]) => logs.push({ level: 'warn', message, extra }),
};

let factory: ClientFactory;
let queueUrl: string;

async function findings(): Promise<Map<string, AwsSecurityFinding>> {
  const out = await new SecurityHubClient({ region: HUB }).send(new GetFindingsCommand({ MaxResults: 100 }));
  return new Map((out.Findings ?? []).map((f) => [f.Id as string, f]));
}

async function events(): Promise<Array<{ 'detail-type': EventDetailType; source: string; detail: unknown }>> {
  const sqs = new SQSClient({ region: HUB });
  const got: Array<{ 'detail-type': EventDetailType; source: string; detail: unknown }> = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return got;
    got.push(...out.Messages.map((m) => JSON.parse(m.Body ?? '{}')));
  }
}

const groups = (ids: Record<string, 'candidate' | 'in-use'>) =>
  Object.entries(ids).map(([id, verdict]) => candidate(id, HUB, { verdict, reasons: [verdict === 'in-use' ? 'used by Lambda fn billing' : 'no usage found by 46 sources'] }));

describe('Security Hub findings and EventBridge events (moto)', () => {
  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', HUB));
    factory = new ClientFactory();
    await new SecurityHubClient({ region: HUB }).send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
    const sqs = new SQSClient({ region: HUB });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sg-auditor-events' }))).QueueUrl as string;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn as string;
    const bus = new EventBridgeClient({ region: HUB });
    await bus.send(new PutRuleCommand({ Name: 'sg-auditor-to-chat', EventPattern: JSON.stringify({ source: ['sg-auditor'] }) }));
    await bus.send(new PutTargetsCommand({ Rule: 'sg-auditor-to-chat', Targets: [{ Id: 'queue', Arn: arn }] }));
  });
  afterAll(() => factory.destroy());

  const integrations = (findingsMode: 'auto' | 'on' = 'auto') => new Integrations({ factory, homeRegion: HUB, findings: findingsMode, events: true, logger });

  it('creates a finding per candidate at audit, and archives the finding of a group that is then in use', async () => {
    // Prepare
    const first = auditReport([regionReport(HUB, groups({ 'sg-0a1': 'candidate', 'sg-0b2': 'candidate', 'sg-0c3': 'candidate' }))], { auditId: 'audit-1' });
    const second = auditReport([regionReport(HUB, groups({ 'sg-0a1': 'in-use', 'sg-0b2': 'candidate', 'sg-0c3': 'candidate' }))], { auditId: 'audit-2' });

    // Act
    const created = await integrations().auditPublished(first, 'bucket', 'audits/1/report.json', false);
    const afterFirst = await findings();
    const updated = await integrations().auditPublished(second, 'bucket', 'audits/2/report.json', false);
    const afterSecond = await findings();

    // Assess
    expect(created).toEqual([expect.objectContaining({ region: HUB, status: 'written', imported: 3 })]);
    expect([...afterFirst.values()].map((f) => [f.Id, f.RecordState, f.Compliance?.Status, f.Workflow?.Status])).toEqual(
      ['sg-0a1', 'sg-0b2', 'sg-0c3'].map((g) => [findingId(ACCOUNT, HUB, g), 'ACTIVE', 'FAILED', 'NEW']),
    );
    expect(updated).toEqual([expect.objectContaining({ imported: 2, archived: 1 })]);
    expect(afterSecond.get(findingId(ACCOUNT, HUB, 'sg-0a1'))).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
    expect(afterSecond.get(findingId(ACCOUNT, HUB, 'sg-0b2'))).toMatchObject({ RecordState: 'ACTIVE' });
  });

  it('resolves a deleted group s finding and suppresses a kept group s finding with the reason', async () => {
    // Prepare
    const result = {
      schemaVersion: 1,
      status: 'completed',
      auditId: 'audit-2',
      accountId: ACCOUNT,
      startedAt: '2026-12-03T09:00:00.000Z',
      finishedAt: '2026-12-03T10:00:00.000Z',
      requester: { via: 'approval-link' },
      selection: ['sg-0b2'],
      outcomes: [
        { groupId: 'sg-0b2', region: HUB, groupName: 'b', outcome: 'deleted', reason: 'deleted' },
        { groupId: 'sg-0c3', region: HUB, groupName: 'c', outcome: 'kept-by-reviewer', reason: 'kept until 2027-03-01: month-end batch' },
      ],
      revocations: [],
      preDeleteBackups: {},
      totals: { deleted: 1, skipped: 0, failed: 0, keptByReviewer: 1 },
    } as unknown as DeletionResult;

    // Act
    const outcome = await integrations().deletionEnded(result, 's3://bucket/deletions/audit-2/result.json');
    const after = await findings();

    // Assess
    expect(outcome).toEqual([expect.objectContaining({ resolved: 1, suppressed: 1, status: 'written' })]);
    expect(after.get(findingId(ACCOUNT, HUB, 'sg-0b2'))).toMatchObject({ RecordState: 'ARCHIVED', Workflow: { Status: 'RESOLVED' } });
    expect(after.get(findingId(ACCOUNT, HUB, 'sg-0c3'))).toMatchObject({ RecordState: 'ACTIVE', Workflow: { Status: 'SUPPRESSED' }, Note: { Text: expect.stringContaining('month-end batch') } });
  });

  it('keeps the reviewer s suppression when the next audit re-imports the finding', async () => {
    // Prepare
    const third = auditReport([regionReport(HUB, groups({ 'sg-0c3': 'candidate' }))], { auditId: 'audit-3' });

    // Act
    await integrations().auditPublished(third, 'bucket', 'audits/3/report.json', false);

    // Assess
    expect((await findings()).get(findingId(ACCOUNT, HUB, 'sg-0c3'))).toMatchObject({ Workflow: { Status: 'SUPPRESSED' } });
  });

  it('puts schema-valid sg-auditor events on the default bus, which a rule delivers', async () => {
    // Act
    const got = await events();

    // Assess
    expect(got.map((e) => e['detail-type'])).toEqual(['Audit Completed', 'Audit Completed', 'Deletion Finished', 'Audit Completed']);
    for (const e of got) {
      expect(e.source).toBe('sg-auditor');
      expect(EVENT_SCHEMAS[e['detail-type']].safeParse(e.detail).success).toBe(true);
    }
  });

  it('writes no finding and fails nothing where Security Hub is not enabled (auto)', async () => {
    // Prepare
    const report = auditReport([regionReport(NO_HUB, [candidate('sg-0d4', NO_HUB)])]);

    // Act
    const outcome = await integrations('auto').auditPublished(report, 'bucket', 'audits/4/report.json', false);

    // Assess
    expect(outcome).toEqual([expect.objectContaining({ region: NO_HUB, status: 'hub-not-enabled', imported: 0 })]);
  });

  it('logs, and does not throw, when findings are on and the hub is not enabled', async () => {
    // Prepare
    const report = auditReport([regionReport(NO_HUB, [candidate('sg-0d4', NO_HUB)])]);

    // Act
    const outcome = await integrations('on').auditPublished(report, 'bucket', 'audits/5/report.json', false);

    // Assess
    expect(outcome).toEqual([expect.objectContaining({ region: NO_HUB, status: 'failed', error: expect.stringContaining('InvalidAccessException') })]);
    expect(logs.some((l) => l.level === 'warn' && l.message === 'could not write Security Hub findings')).toBe(true);
  });
});
