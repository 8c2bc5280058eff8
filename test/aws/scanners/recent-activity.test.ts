import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { runScanner } from '../../../lambda/aws/run-scanner';
import { ClientFactory } from '../../../lambda/aws/client-factory';
import { RegionScope } from '../../../lambda/aws/region-scope';
import { createCloudtrailAgeScanner } from '../../../lambda/aws/scanners/cloudtrail-age';
import { createRecentActivityScanner } from '../../../lambda/aws/scanners/recent-activity';
import { classifyOptionsFor, classifyRegion } from '../../../lambda/core/classify';
import { ACCOUNT, DEFAULT_SETTINGS, group, REGION, scanAndClassify } from '../../helpers/scanner-harness';
import { LookupEventsStub } from '../../helpers/lookup-events-stub';

const cloudtrail = mockClient(CloudTrailClient);
const config = mockClient(ConfigServiceClient);

const NOW = new Date('2026-11-26T00:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const G = 'sg-0a1b2c3d4e5f60001';
const OTHER = 'sg-0a1b2c3d4e5f60002';
const AIRFLOW = `arn:aws:sts::${ACCOUNT}:assumed-role/airflow/i-0abc`;
const ACTIVITY_ON = { settings: { idleDays: 90 }, now: NOW };
const noWait = async (): Promise<void> => undefined;

let seq = 0;
/** An event as LookupEvents returns it: Resources list + CloudTrailEvent JSON (the CloudTrail record). */
function trailEvent(
  name: string,
  source: string,
  daysAgo: number,
  record: { requestParameters?: unknown; responseElements?: unknown; readOnly?: boolean; errorCode?: string },
  resources: Event['Resources'] = [],
): Event {
  const time = new Date(NOW.getTime() - daysAgo * DAY_MS);
  seq += 1;
  return {
    EventId: `ev-${seq}`,
    EventName: name,
    EventSource: source,
    EventTime: time,
    ReadOnly: String(record.readOnly ?? false),
    Username: 'airflow',
    Resources: resources,
    CloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', arn: AIRFLOW, accountId: ACCOUNT },
      eventTime: time.toISOString(),
      eventSource: source,
      eventName: name,
      awsRegion: REGION,
      requestParameters: record.requestParameters ?? null,
      responseElements: record.responseElements ?? null,
      readOnly: record.readOnly ?? false,
      ...(record.errorCode ? { errorCode: record.errorCode } : {}),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
    }),
  };
}

function stubTrail(events: Event[]): LookupEventsStub {
  const stub = new LookupEventsStub(events);
  cloudtrail.on(LookupEventsCommand).callsFake(stub.answer);
  return stub;
}

beforeEach(() => {
  cloudtrail.reset();
  config.reset();
  config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
  config.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [] });
});

const scanner = (budget?: number) => createRecentActivityScanner({ sleep: noWait, ...(budget !== undefined ? { pageBudget: budget } : {}) });

/** One record per event kind, shaped as CloudTrail logs it, naming G (and only G). */
const EVENT_KINDS: Array<[string, Event]> = [
  [
    'RunInstances (groupSet and the launched instance in responseElements)',
    trailEvent('RunInstances', 'ec2.amazonaws.com', 20, {
      requestParameters: { instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 1 }] }, groupSet: { items: [{ groupId: G }] }, instanceType: 'm5.large' },
      responseElements: { instancesSet: { items: [{ instanceId: 'i-1', groupSet: { items: [{ groupId: G, groupName: 'ci' }] } }] } },
    }),
  ],
  [
    'RunInstances (networkInterfaceSet groupSet only)',
    trailEvent('RunInstances', 'ec2.amazonaws.com', 20, {
      requestParameters: { networkInterfaceSet: { items: [{ deviceIndex: 0, subnetId: 'subnet-1', groupSet: { items: [{ groupId: G }] } }] } },
    }),
  ],
  [
    'CreateNetworkInterface',
    trailEvent('CreateNetworkInterface', 'ec2.amazonaws.com', 30, {
      requestParameters: { subnetId: 'subnet-1', groupSet: { items: [{ groupId: G }] } },
      responseElements: { networkInterface: { networkInterfaceId: 'eni-1', groupSet: { items: [{ groupId: G, groupName: 'x' }] } } },
    }),
  ],
  [
    'ModifyNetworkInterfaceAttribute',
    trailEvent('ModifyNetworkInterfaceAttribute', 'ec2.amazonaws.com', 10, {
      requestParameters: { networkInterfaceId: 'eni-1', groupSet: { items: [{ groupId: G }] } },
      responseElements: { _return: true },
    }),
  ],
  [
    'RunJobFlow (EMR managed and additional groups)',
    trailEvent('RunJobFlow', 'elasticmapreduce.amazonaws.com', 6, {
      requestParameters: { name: 'nightly', instances: { emrManagedMasterSecurityGroup: G, emrManagedSlaveSecurityGroup: 'sg-0ffffffffffffff01', additionalSlaveSecurityGroups: [] } },
      responseElements: { jobFlowId: 'j-1' },
    }),
  ],
  [
    'CreateFunction20150331 (Lambda vpcConfig)',
    trailEvent('CreateFunction20150331', 'lambda.amazonaws.com', 40, {
      requestParameters: { functionName: 'sync', vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: [G] } },
    }),
  ],
  [
    'UpdateFunctionConfiguration20150331v2 (Lambda vpcConfig)',
    trailEvent('UpdateFunctionConfiguration20150331v2', 'lambda.amazonaws.com', 40, {
      requestParameters: { functionName: 'sync', vpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: [G] } },
    }),
  ],
  [
    'RunTask (ECS awsvpcConfiguration)',
    trailEvent('RunTask', 'ecs.amazonaws.com', 50, {
      requestParameters: { cluster: 'batch', taskDefinition: 'job:3', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [G], assignPublicIp: 'DISABLED' } } },
    }),
  ],
  [
    'CreateService (ECS awsvpcConfiguration)',
    trailEvent('CreateService', 'ecs.amazonaws.com', 50, {
      requestParameters: { serviceName: 'api', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [G] } } },
    }),
  ],
  [
    'UpdateService (ECS awsvpcConfiguration)',
    trailEvent('UpdateService', 'ecs.amazonaws.com', 50, {
      requestParameters: { service: 'api', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [G] } } },
    }),
  ],
  [
    'CreateCluster (EKS resourcesVpcConfig)',
    trailEvent('CreateCluster', 'eks.amazonaws.com', 60, {
      requestParameters: { name: 'dev', resourcesVpcConfig: { subnetIds: ['subnet-1'], securityGroupIds: [G] } },
    }),
  ],
  [
    'CreateDBInstance (vpcSecurityGroups in responseElements)',
    trailEvent('CreateDBInstance', 'rds.amazonaws.com', 70, {
      requestParameters: { dBInstanceIdentifier: 'db1', engine: 'postgres' },
      responseElements: { dBInstanceIdentifier: 'db1', vpcSecurityGroups: [{ vpcSecurityGroupId: G, status: 'active' }] },
    }),
  ],
  [
    'CreateLaunchTemplateVersion (LaunchTemplateData.SecurityGroupId)',
    trailEvent('CreateLaunchTemplateVersion', 'ec2.amazonaws.com', 80, {
      requestParameters: { CreateLaunchTemplateVersionRequest: { LaunchTemplateId: 'lt-1', LaunchTemplateData: { SecurityGroupId: { content: G, tag: 1 } } } },
    }),
  ],
  [
    'PutTargets (EventBridge ECS target)',
    trailEvent('PutTargets', 'events.amazonaws.com', 15, {
      requestParameters: { rule: 'nightly', targets: [{ id: '1', arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/batch', ecsParameters: { networkConfiguration: { awsvpcConfiguration: { securityGroups: [G] } } } }] },
    }),
  ],
  [
    'CreateVpcEndpoint (the group as an ARN in Resources)',
    trailEvent('CreateVpcEndpoint', 'ec2.amazonaws.com', 25, {}, [
      { ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${G}` },
    ]),
  ],
];

describe('recent-activity scanner', () => {
  it.each(EVENT_KINDS)('keeps a group named by %s within the window out of the candidates', async (_kind, event) => {
    // Prepare
    stubTrail([event]);

    // Act
    const result = await scanAndClassify(scanner(), [group(G), group(OTHER)], ACTIVITY_ON);

    // Assess
    expect(result.verdictOf(G).verdict).toBe('in-use');
    expect(result.verdictOf(G).usages[0]?.detail).toBe(`${event.EventName} on ${event.EventTime?.toISOString().slice(0, 10)} by ${AIRFLOW}`);
    expect(result.verdictOf(G).lastActivity?.use).toBe(true);
    expect(result.verdictOf(OTHER).verdict).toBe('candidate');
  });

  it('does not count a read-only event naming the group', async () => {
    stubTrail([trailEvent('RunInstances', 'ec2.amazonaws.com', 5, { requestParameters: { groupSet: { items: [{ groupId: G }] } }, readOnly: true })]);

    const result = await scanAndClassify(scanner(), [group(G)], ACTIVITY_ON);

    expect(result.verdictOf(G).verdict).toBe('candidate');
    expect(result.verdictOf(G).lastActivity).toBeUndefined();
  });

  it('does not count an event older than the window', async () => {
    stubTrail([trailEvent('RunJobFlow', 'elasticmapreduce.amazonaws.com', 45, { requestParameters: { instances: { emrManagedMasterSecurityGroup: G } } })]);

    const result = await scanAndClassify(scanner(), [group(G)], { settings: { idleDays: 30 }, now: NOW });

    expect(result.verdictOf(G).verdict).toBe('candidate');
  });

  it('does not count an event older than the window even when LookupEvents returns it', async () => {
    // A time range the service ignored must not widen the window.
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    cloudtrail
      .on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunJobFlow' }] })
      .resolves({ Events: [trailEvent('RunJobFlow', 'elasticmapreduce.amazonaws.com', 45, { requestParameters: { instances: { emrManagedMasterSecurityGroup: G } } })] });

    const result = await scanAndClassify(scanner(), [group(G)], { settings: { idleDays: 30 }, now: NOW });

    expect(result.verdictOf(G).verdict).toBe('candidate');
  });

  it('shows an edit of the group\'s own rules as its last activity without counting it as use', async () => {
    stubTrail([
      trailEvent('AuthorizeSecurityGroupIngress', 'ec2.amazonaws.com', 3, {
        requestParameters: { groupId: G, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, groups: { items: [{ groupId: OTHER }] } }] } },
      }),
    ]);

    const result = await scanAndClassify(scanner(), [group(G), group(OTHER)], ACTIVITY_ON);

    expect(result.verdictOf(G).verdict).toBe('candidate');
    expect(result.verdictOf(G).lastActivity).toEqual(expect.objectContaining({ use: false, summary: expect.stringContaining('AuthorizeSecurityGroupIngress on 2026-11-23') }));
    expect(result.verdictOf(OTHER).lastActivity).toBeUndefined();
  });

  it('counts a launch that failed: whoever made it means to use the group', async () => {
    stubTrail([trailEvent('RunInstances', 'ec2.amazonaws.com', 2, { requestParameters: { groupSet: { items: [{ groupId: G }] } }, errorCode: 'Server.InsufficientInstanceCapacity' })]);

    const result = await scanAndClassify(scanner(), [group(G)], ACTIVITY_ON);

    expect(result.verdictOf(G).verdict).toBe('in-use');
    expect(result.verdictOf(G).usages[0]?.detail).toContain('(failed: Server.InsufficientInstanceCapacity)');
  });

  it('keeps every group it could not clear out of the candidates, naming the date reached, when the page budget stops it early', async () => {
    // Prepare: a busy account: 400 RunInstances a day that name other groups.
    const busy = Array.from({ length: 2000 }, (_, i) =>
      trailEvent('RunInstances', 'ec2.amazonaws.com', i / 400, { requestParameters: { groupSet: { items: [{ groupId: 'sg-0eeeeeeeeeeeeee01' }] } } }),
    );
    stubTrail(busy);

    // Act
    const result = await scanAndClassify(scanner(50), [group(G)], ACTIVITY_ON);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.scan.activityWindow?.complete).toBe(false);
    const reached = result.scan.activityWindow?.reached.slice(0, 10) ?? '';
    expect(reached > '2026-08-28').toBe(true);
    expect(result.verdictOf(G).verdict).toBe('unknown');
    expect(result.verdictOf(G).reasons[0]).toContain(`read back only to ${reached} of the 90-day window`);
    expect(result.scan.note).toContain(`CloudTrail read back to ${reached}`);
  });

  it('clears a group created after the date reached when the page budget stops it early: its whole life was read', async () => {
    const busy = Array.from({ length: 2000 }, (_, i) =>
      trailEvent('RunInstances', 'ec2.amazonaws.com', i / 400, { requestParameters: { groupSet: { items: [{ groupId: 'sg-0eeeeeeeeeeeeee01' }] } } }),
    );
    const created = trailEvent('CreateSecurityGroup', 'ec2.amazonaws.com', 0.1, { responseElements: { _return: true, groupId: G } });
    stubTrail([...busy, created]);

    const result = await scanAndClassify(scanner(50), [group(G), group(OTHER)], ACTIVITY_ON);

    expect(result.verdictOf(G).verdict).toBe('candidate');
    expect(result.verdictOf(OTHER).verdict).toBe('unknown');
  });

  it('reads each event name newest first, 50 a page, over the idle window, one lookup attribute a request', async () => {
    const stub = stubTrail([]);

    await scanAndClassify(scanner(), [group(G)], ACTIVITY_ON);

    expect(stub.countFor('RunJobFlow')).toBe(1);
    expect(stub.requests.find((r) => r.LookupAttributes?.[0]?.AttributeValue === 'RunJobFlow')).toEqual(
      expect.objectContaining({ StartTime: new Date(NOW.getTime() - 90 * DAY_MS), EndTime: NOW, MaxResults: 50 }),
    );
  });

  it('makes no call and says so when idleDays is 0', async () => {
    const stub = stubTrail([]);

    const result = await scanAndClassify(scanner(), [group(G)], { settings: { idleDays: 0 }, now: NOW });

    expect(stub.requests).toHaveLength(0);
    expect(result.scan.note).toBe('activity check off (idleDays 0)');
    expect(result.verdictOf(G).verdict).toBe('candidate');
  });

  it('shares the CreateSecurityGroup pages with cloudtrail-age: each page is fetched once', async () => {
    // Prepare
    const stub = stubTrail([trailEvent('CreateSecurityGroup', 'ec2.amazonaws.com', 2, { responseElements: { groupId: G } })]);
    const factory = new ClientFactory({ maxAttempts: 1 });
    const scope = new RegionScope(factory.forRegion(REGION), factory.counter);
    const settings = { ...DEFAULT_SETTINGS, minAgeDays: 7, idleDays: 90 };
    const base = { accountId: ACCOUNT, groups: [group(G)], candidates: new Set<string>(), minAgeDays: 7, idleDays: 90, now: NOW };
    const env = { deps: { factory }, region: REGION, scope, settings };

    // Act
    const scans = await Promise.all([runScanner(createCloudtrailAgeScanner({ sleep: noWait }), base, env), runScanner(scanner(), base, env)]);

    // Assess
    expect(stub.countFor('CreateSecurityGroup')).toBe(1);
    const classified = classifyRegion([group(G)], scans, classifyOptionsFor(settings, ACCOUNT, NOW));
    expect(classified[0]?.verdict).toBe('protected');
  });

  it('in an account with activity nobody described to it, keeps every used group and no group with only old, read-only or rule-edit activity', async () => {
    // Prepare: 60 groups, each given one fate at random (seeded), events of every kind above in random order.
    let seed = 21;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const fates = ['used', 'read-only', 'old', 'rule-edit', 'none'] as const;
    const groups = Array.from({ length: 60 }, (_, i) => `sg-0${(0xa000 + i).toString(16)}aaaaaaaaaaaa`);
    const fate = new Map(groups.map((g) => [g, fates[Math.floor(random() * fates.length)] ?? 'none']));
    const events: Event[] = [];
    for (const g of groups) {
      const [, template] = EVENT_KINDS[Math.floor(random() * EVENT_KINDS.length)] as [string, Event];
      const named = (daysAgo: number, readOnly = false): Event => {
        const raw = JSON.parse(template.CloudTrailEvent ?? '{}') as { requestParameters?: unknown; responseElements?: unknown };
        const swap = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null).split(G).join(g));
        const resources = (template.Resources ?? []).map((r) => ({ ...r, ResourceName: r.ResourceName?.split(G).join(g) }));
        return trailEvent(template.EventName ?? '', template.EventSource ?? '', daysAgo, { requestParameters: swap(raw.requestParameters), responseElements: swap(raw.responseElements), readOnly }, resources);
      };
      const f = fate.get(g);
      if (f === 'used') events.push(named(1 + random() * 28));
      if (f === 'read-only') events.push(named(1 + random() * 28, true));
      if (f === 'old') events.push(named(31 + random() * 50));
      if (f === 'rule-edit') events.push(trailEvent('RevokeSecurityGroupIngress', 'ec2.amazonaws.com', 2, { requestParameters: { groupId: g } }));
    }
    stubTrail(events.sort(() => random() - 0.5));

    // Act
    const result = await scanAndClassify(scanner(), groups.map((g) => group(g)), { settings: { idleDays: 30 }, now: NOW });

    // Assess
    const wrong = groups.filter((g) => (result.verdictOf(g).verdict === 'in-use') !== (fate.get(g) === 'used'));
    expect(wrong).toEqual([]);
    expect([...fate.values()].filter((f) => f === 'used').length).toBeGreaterThan(5);
  });

  describe('AWS Config history', () => {
    it('is ok with the note "Config not recording" when no recorder runs', async () => {
      stubTrail([]);

      const result = await scanAndClassify(scanner(), [group(G)], ACTIVITY_ON);

      expect(result.scan.status).toBe('ok');
      expect(result.scan.note).toContain('Config not recording');
      expect(result.verdictOf(G).verdict).toBe('candidate');
    });

    it('keeps a group that a network interface deleted within the window carried, from its configuration history', async () => {
      // Prepare
      stubTrail([]);
      config.on(DescribeConfigurationRecordersCommand).resolves({
        ConfigurationRecorders: [{ name: 'default', recordingGroup: { allSupported: true, includeGlobalResourceTypes: false } }],
      });
      config.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
      config.on(ListDiscoveredResourcesCommand).resolves({
        resourceIdentifiers: [
          { resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-gone', resourceDeletionTime: new Date(NOW.getTime() - 12 * DAY_MS) },
          { resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-live' },
        ],
      });
      config.on(GetResourceConfigHistoryCommand).resolves({
        configurationItems: [
          {
            resourceType: 'AWS::EC2::NetworkInterface',
            resourceId: 'eni-gone',
            configurationItemCaptureTime: new Date(NOW.getTime() - 14 * DAY_MS),
            configurationItemStatus: 'OK',
            relationships: [{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: G, relationshipName: 'Is associated with SecurityGroup' }],
            configuration: JSON.stringify({ networkInterfaceId: 'eni-gone', groups: [{ groupId: G, groupName: 'x' }] }),
          },
        ],
      });

      // Act
      const result = await scanAndClassify(scanner(), [group(G), group(OTHER)], ACTIVITY_ON);

      // Assess
      expect(result.verdictOf(G).verdict).toBe('in-use');
      expect(result.verdictOf(G).usages[0]?.resourceType).toBe('Config history');
      expect(result.verdictOf(OTHER).verdict).toBe('candidate');
      expect(config).toHaveReceivedCommandTimes(GetResourceConfigHistoryCommand, 1);
      expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, { resourceId: 'eni-gone' });
    });

    it('fails closed when Config cannot be read', async () => {
      stubTrail([]);
      config.on(DescribeConfigurationRecordersCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      const result = await scanAndClassify(scanner(), [group(G)], ACTIVITY_ON);

      expect(result.scan.status).toBe('failed');
      expect(result.verdictOf(G).verdict).toBe('unknown');
    });
  });
});
