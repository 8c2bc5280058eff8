import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudtrailAgeScanner, createCloudtrailAgeScanner } from '../../../lambda/aws/scanners/cloudtrail-age';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const cloudtrail = mockClient(CloudTrailClient);

beforeEach(() => cloudtrail.reset());

const NOW = new Date('2026-11-26T00:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const AGE_ON = { settings: { minAgeDays: 7 }, now: NOW };

function noWait() {
  return jest.fn(async (_ms: number) => undefined);
}

function createEvent(groupId: string, daysAgo: number, overrides: Partial<Event> = {}): Event {
  const time = new Date(NOW.getTime() - daysAgo * DAY_MS);
  return {
    EventId: `evt-${groupId}`,
    EventName: 'CreateSecurityGroup',
    EventSource: 'ec2.amazonaws.com',
    EventTime: time,
    Resources: [
      { ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: groupId },
      { ResourceType: 'AWS::EC2::VPC', ResourceName: 'vpc-1' },
    ],
    CloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      eventTime: time.toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateSecurityGroup',
      requestParameters: { groupName: `name-${groupId}`, groupDescription: 'x', vpcId: 'vpc-1' },
      responseElements: { requestId: 'req-1', _return: true, groupId, securityGroupArn: `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}` },
    }),
    ...overrides,
  };
}

describe('cloudtrail-age scanner', () => {
  it('protects a group created 2 days ago as too new when minAgeDays is 7, and leaves an older group a candidate', async () => {
    // Prepare
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-0a1b2c3d4e5f60001', 2)] });
    const scanner = createCloudtrailAgeScanner({ sleep: noWait() });

    // Act
    const result = await scanAndClassify(scanner, [group('sg-0a1b2c3d4e5f60001'), group('sg-0a1b2c3d4e5f60002')], AGE_ON);

    // Assess
    expect(result.verdictOf('sg-0a1b2c3d4e5f60001').verdict).toBe('protected');
    expect(result.verdictOf('sg-0a1b2c3d4e5f60001').protection).toEqual(['too-new']);
    expect(result.verdictOf('sg-0a1b2c3d4e5f60001').reasons[0]).toContain('less than 7 days ago');
    expect(result.verdictOf('sg-0a1b2c3d4e5f60002').verdict).toBe('candidate');
  });

  it('asks once for CreateSecurityGroup events over the last minAgeDays, 50 per page', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });

    await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-a')], AGE_ON);

    expect(cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
    expect(cloudtrail).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateSecurityGroup' }],
      StartTime: new Date(NOW.getTime() - 7 * DAY_MS),
      EndTime: NOW,
      MaxResults: 50,
    });
  });

  it('keeps a group created before the window a candidate', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-0a1b2c3d4e5f60002', 30)] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-0a1b2c3d4e5f60002')], AGE_ON);

    expect(result.verdictOf('sg-0a1b2c3d4e5f60002').verdict).toBe('candidate');
  });

  it('follows NextToken with the same query, waiting between pages to stay under 2 requests per second', async () => {
    const sleep = noWait();
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [], NextToken: 'page-2' })
      .resolvesOnce({ Events: [createEvent('sg-0a1b2c3d4e5f60003', 1)] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep }), [group('sg-0a1b2c3d4e5f60003')], AGE_ON);

    expect(result.verdictOf('sg-0a1b2c3d4e5f60003').verdict).toBe('protected');
    expect(cloudtrail).toHaveReceivedNthCommandWith(2, LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateSecurityGroup' }],
      MaxResults: 50,
      NextToken: 'page-2',
    });
    // Requests start at most every 500 ms, start to start: the wait is what is left of the 500 ms.
    expect(sleep).toHaveBeenCalledTimes(1);
    const waited = sleep.mock.calls[0]?.[0] as number;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(500);
  });

  it('finds the group id in Resources when responseElements has none', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-0a1b2c3d4e5f60004', 1, { CloudTrailEvent: '{"eventName":"CreateSecurityGroup"}' })] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-0a1b2c3d4e5f60004')], AGE_ON);

    expect(result.verdictOf('sg-0a1b2c3d4e5f60004').verdict).toBe('protected');
  });

  it('fails closed on an event that names no group anywhere', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [createEvent('sg-x', 1, { CloudTrailEvent: 'not json', Resources: [{ ResourceType: 'AWS::EC2::VPC', ResourceName: 'vpc-1' }] })],
    });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-a')], AGE_ON);

    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('UnreadableCloudTrailEvent');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('fails closed on an event that names its group but gives no creation time', async () => {
    // Prepare
    const timeless = JSON.stringify({ eventName: 'CreateSecurityGroup', responseElements: { groupId: 'sg-0a1b2c3d4e5f60005' } });
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-0a1b2c3d4e5f60005', 1, { EventTime: undefined, CloudTrailEvent: timeless })] });

    // Act
    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-0a1b2c3d4e5f60005')], AGE_ON);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('UnreadableCloudTrailEvent');
    expect(result.verdictOf('sg-0a1b2c3d4e5f60005').verdict).toBe('unknown');
  });

  it('protects a group named only by Resources when CloudTrailEvent is not JSON', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-0a1b2c3d4e5f60006', 1, { CloudTrailEvent: '{truncated' })] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-0a1b2c3d4e5f60006')], AGE_ON);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-0a1b2c3d4e5f60006').verdict).toBe('protected');
  });

  it('ignores a refused CreateSecurityGroup call, which created no group', async () => {
    const refused = JSON.stringify({ eventName: 'CreateSecurityGroup', errorCode: 'InvalidGroup.Duplicate', responseElements: null });
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [createEvent('sg-x', 1, { CloudTrailEvent: refused, Resources: [] })] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-a')], AGE_ON);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when CloudTrail throttles', async () => {
    cloudtrail.on(LookupEventsCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-a')], AGE_ON);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['cloudtrail-age']);
  });

  it('makes no call and says the check is off when minAgeDays is 0', async () => {
    const result = await scanAndClassify(cloudtrailAgeScanner, [group('sg-a')], { settings: { minAgeDays: 0 }, now: NOW });

    expect(cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 0);
    expect(result.scan.note).toBe('age check off (minAgeDays 0)');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('looks back at most the 90 days CloudTrail keeps, and says so', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });

    const result = await scanAndClassify(createCloudtrailAgeScanner({ sleep: noWait() }), [group('sg-a')], { settings: { minAgeDays: 120 }, now: NOW });

    expect(cloudtrail).toHaveReceivedCommandWith(LookupEventsCommand, { StartTime: new Date(NOW.getTime() - 90 * DAY_MS) });
    expect(result.scan.note).toContain('90 days');
  });
});
