import {
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { COVERAGE_LEDGER } from '../../lambda/aws/coverage';
import { coverageFigure } from '../../lambda/core/coverage';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { sgRuleReferencesScanner } from '../../lambda/aws/scanners/sg-rule-references';
import type { Scanner } from '../../lambda/aws/scanners/types';
import { ACCOUNT, awsError, DEFAULT_SETTINGS } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);

/** The region a mocked call was sent to. */
async function regionOf(getClient: () => unknown): Promise<string> {
  return (getClient() as EC2Client).config.region();
}

function inventory(groupIds: string[]) {
  return { SecurityGroups: groupIds.map((GroupId) => ({ GroupId, GroupName: GroupId, Description: 'd', VpcId: 'vpc-1', OwnerId: ACCOUNT })) };
}

const scanners: Scanner[] = [networkInterfacesScanner, sgRuleReferencesScanner];
const deps = () => ({ factory: new ClientFactory({ maxAttempts: 1 }), accountId: ACCOUNT, scanners, now: () => new Date('2026-11-26T00:00:00Z') });

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
});

describe('runAudit across regions', () => {
  it('reports a region whose inventory fails as failed while the other regions complete', async () => {
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('UnauthorizedOperation');
      return inventory(['sg-a']);
    });

    const report = await runAudit({ ...DEFAULT_SETTINGS, regions: ['us-east-1', 'eu-west-1'] }, deps());

    expect(report.regions.map((r) => [r.region, r.status])).toEqual([
      ['us-east-1', 'ok'],
      ['eu-west-1', 'failed'],
    ]);
    expect(report.regions[1]?.error?.code).toBe('UnauthorizedOperation');
    expect(report.regions[1]?.groups).toEqual([]);
    expect(report.totals).toMatchObject({ groups: 1, candidates: 1 });
  });

  it('audits every enabled region when regions is all, dropping regions not opted in', async () => {
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'eu-west-1', OptInStatus: 'opted-in' },
      ],
    });
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));

    const report = await runAudit({ ...DEFAULT_SETTINGS, regions: 'all' }, deps());

    expect(report.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('records an excluded source as skipped and never calls it', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));

    const report = await runAudit({ ...DEFAULT_SETTINGS, skipSources: ['network-interfaces'] }, deps());

    expect(report.regions[0]?.scans.find((s) => s.source === 'network-interfaces')).toMatchObject({ status: 'skipped', note: 'excluded by skipSources' });
    expect(report.skippedSources).toEqual(['network-interfaces']);
    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
  });

  it('carries the coverage ledger\'s figure and where the list of places not scanned is', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));

    const report = await runAudit(DEFAULT_SETTINGS, deps());

    const { scanned, interfaces, notScanned } = coverageFigure(COVERAGE_LEDGER);
    expect(report.coverage).toEqual({ scanned, interfaces, notScanned, listUrl: 'docs/coverage.md#places-not-scanned' });
    expect(notScanned).toBeGreaterThan(0);
  });

  it('counts API calls once each: per source, the inventory and each shared listing under its own label', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));

    const report = await runAudit(DEFAULT_SETTINGS, deps());

    expect(report.apiCalls.bySource).toEqual({ inventory: 2, 'shared:ec2:network-interfaces': 1 });
    expect(report.apiCalls.total).toBe(3);
    expect(ssm.calls()).toEqual([]);
  });

  it('joins the rules to their groups from one bulk rules listing', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a', 'sg-b']));
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-a', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ReferencedGroupInfo: { GroupId: 'sg-b', UserId: ACCOUNT } },
        { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-a', IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' },
      ],
    });

    const report = await runAudit(DEFAULT_SETTINGS, deps());

    const a = report.regions[0]?.groups.find((g) => g.groupId === 'sg-a');
    expect(a?.ingress).toEqual([expect.objectContaining({ ruleId: 'sgr-1', referencedGroup: { groupId: 'sg-b', userId: ACCOUNT } })]);
    expect(a?.egress).toEqual([expect.objectContaining({ ruleId: 'sgr-2', cidrIpv4: '0.0.0.0/0' })]);
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, { MaxResults: 1000 });
  });

  it('records how long each scan took and which shared listings it read', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));

    const report = await runAudit(DEFAULT_SETTINGS, deps());

    const scan = report.regions[0]?.scans.find((s) => s.source === 'network-interfaces');
    expect(scan?.durationMs).toEqual(expect.any(Number));
    expect(scan?.durationMs).toBeGreaterThanOrEqual(0);
    expect(scan).toMatchObject({ apiCalls: 0, sharedListings: ['ec2:network-interfaces'] });
  });

  it('starts the scanners marked startsFirst before the others, and reports every scan in the registry\'s order', async () => {
    // Prepare: one scanner at a time, so the start order is the queue's order.
    ec2.on(DescribeSecurityGroupsCommand).resolves(inventory(['sg-a']));
    const started: string[] = [];
    const quick = (source: string): Scanner => ({ source: source as Scanner['source'], actions: [], scan: async () => void started.push(source) });
    const registry: Scanner[] = [quick('network-interfaces'), { ...quick('ecs-task-definitions'), startsFirst: true }, quick('efs'), { ...quick('ssm-parameters'), startsFirst: true }];

    // Act
    const report = await runAudit(DEFAULT_SETTINGS, { ...deps(), scanners: registry, scannerConcurrency: 1 });

    // Assess
    expect(started).toEqual(['ecs-task-definitions', 'ssm-parameters', 'network-interfaces', 'efs']);
    expect(report.regions[0]?.scans.map((s) => s.source)).toEqual(['network-interfaces', 'ecs-task-definitions', 'efs', 'ssm-parameters']);
  });
});
