import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { BatchClient, DescribeComputeEnvironmentsCommand } from '@aws-sdk/client-batch';
import {
  DescribeFleetsCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListClustersCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { batchScanner } from '../../lambda/aws/scanners/batch';
import { efsScanner } from '../../lambda/aws/scanners/efs';
import { eksScanner } from '../../lambda/aws/scanners/eks';
import { launchTemplatesScanner } from '../../lambda/aws/scanners/launch-templates';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { spotFleetsScanner } from '../../lambda/aws/scanners/spot-fleets';
import type { AuditReport } from '../../lambda/core/model';
import { ACCOUNT, awsError, DEFAULT_SETTINGS } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const efs = mockClient(EFSClient);
const batch = mockClient(BatchClient);
const eks = mockClient(EKSClient);
const autoscaling = mockClient(AutoScalingClient);
const ssm = mockClient(SSMClient);

const SCANNERS = [networkInterfacesScanner, efsScanner, spotFleetsScanner, launchTemplatesScanner, batchScanner, eksScanner];
const REGIONS = ['eu-south-1', 'eu-south-2'];

/** Every request sent, with its region: "eu-south-1 DescribeNetworkInterfacesCommand {...}". */
let sent: string[];

type Mock = ReturnType<typeof mockClient>;
/** Answers `command` with `output`, recording each request by region, command and input. */
function answer(mock: Mock, command: { name: string }, output: unknown): void {
  (mock as unknown as { on(c: unknown): { callsFake(fn: (input: unknown, getClient: () => EC2Client) => Promise<unknown>): void } })
    .on(command)
    .callsFake(async (input, getClient) => {
      sent.push(`${await getClient().config.region()} ${command.name} ${JSON.stringify(input)}`);
      return output;
    });
}

function countOf(region: string, command: { name: string }): number {
  return sent.filter((line) => line.startsWith(`${region} ${command.name} `)).length;
}

function audit(factory = new ClientFactory({ maxAttempts: 1 })): Promise<AuditReport> {
  return runAudit({ ...DEFAULT_SETTINGS, regions: REGIONS }, { factory, accountId: ACCOUNT, scanners: SCANNERS, now: () => new Date('2026-11-26T00:00:00Z') });
}

beforeEach(() => {
  sent = [];
  for (const mock of [ec2, efs, batch, eks, autoscaling, ssm]) mock.reset();
  answer(ec2, DescribeSecurityGroupsCommand, {
    SecurityGroups: ['sg-eni', 'sg-efs', 'sg-free'].map((GroupId) => ({ GroupId, GroupName: GroupId, Description: 'd', VpcId: 'vpc-1', OwnerId: ACCOUNT })),
  });
  answer(ec2, DescribeSecurityGroupRulesCommand, { SecurityGroupRules: [] });
  answer(ec2, DescribeNetworkInterfacesCommand, {
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-1', InterfaceType: 'interface', Groups: [{ GroupId: 'sg-eni' }] },
      { NetworkInterfaceId: 'eni-mt', InterfaceType: 'efs', RequesterManaged: true, Groups: [{ GroupId: 'sg-efs' }] },
    ],
  });
  answer(ec2, DescribeSpotFleetRequestsCommand, {
    SpotFleetRequestConfigs: [
      { SpotFleetRequestId: 'sfr-1', SpotFleetRequestState: 'active', SpotFleetRequestConfig: { IamFleetRole: 'r', TargetCapacity: 1, LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: 'lt-1', Version: '2' } }] } },
    ],
  });
  answer(ec2, DescribeFleetsCommand, { Fleets: [] });
  answer(ec2, DescribeLaunchTemplateVersionsCommand, { LaunchTemplateVersions: [] });
  answer(autoscaling, DescribeAutoScalingGroupsCommand, { AutoScalingGroups: [] });
  answer(efs, DescribeFileSystemsCommand, { FileSystems: [{ FileSystemId: 'fs-1', NumberOfMountTargets: 1 }] });
  answer(efs, DescribeMountTargetsCommand, { MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: 'fs-1', LifeCycleState: 'available', NetworkInterfaceId: 'eni-mt' }] });
  answer(batch, DescribeComputeEnvironmentsCommand, {
    computeEnvironments: [{ computeEnvironmentName: 'jobs', computeEnvironmentArn: 'arn:ce/jobs', computeResources: { type: 'EC2', maxvCpus: 4, subnets: [], launchTemplate: { launchTemplateId: 'lt-1', version: '3' } } }],
  });
  answer(eks, ListClustersCommand, { clusters: ['platform'] });
  answer(eks, DescribeClusterCommand, { cluster: { name: 'platform', resourcesVpcConfig: {} } });
  answer(eks, ListNodegroupsCommand, { nodegroups: ['workers'] });
  answer(eks, DescribeNodegroupCommand, { nodegroup: { clusterName: 'platform', nodegroupName: 'workers', launchTemplate: { id: 'lt-1', version: '4' } } });
});

describe('listings that several sources read', () => {
  it('are fetched once per region, however many sources read them', async () => {
    // Act
    const report = await audit();

    // Assess
    expect(report.regions.flatMap((r) => r.scans.filter((s) => s.status !== 'ok').map((s) => `${r.region} ${s.source}`))).toEqual([]);
    for (const region of REGIONS) {
      for (const command of [DescribeNetworkInterfacesCommand, DescribeSpotFleetRequestsCommand, DescribeComputeEnvironmentsCommand, ListClustersCommand, ListNodegroupsCommand, DescribeNodegroupCommand]) {
        expect(`${region} ${command.name} ${countOf(region, command)}`).toBe(`${region} ${command.name} 1`);
      }
    }
    const repeated = sent.filter((line, i) => sent.indexOf(line) !== i);
    expect(repeated).toEqual([]);
  });

  it('count their requests once, under their own label, and each reader names them', async () => {
    // Act
    const report = await audit();

    // Assess
    expect(report.apiCalls.bySource).toMatchObject({
      'shared:ec2:network-interfaces': 2,
      'shared:ec2:spot-fleet-requests': 2,
      'shared:batch:compute-environments': 2,
      'shared:eks:node-groups': 6,
    });
    expect(report.apiCalls.total).toBe(sent.length);
    expect(Object.values(report.apiCalls.bySource).reduce((a, b) => a + b, 0)).toBe(sent.length);
    const scans = report.regions[0]?.scans ?? [];
    expect(scans.find((s) => s.source === 'efs')?.sharedListings).toEqual(['ec2:network-interfaces']);
    expect(scans.find((s) => s.source === 'network-interfaces')).toMatchObject({ apiCalls: 0, sharedListings: ['ec2:network-interfaces'] });
  });

  it('feed every reader the same pages', async () => {
    // Act
    const report = await audit();

    // Assess
    const groups = report.regions[0]?.groups ?? [];
    expect(groups.find((g) => g.groupId === 'sg-efs')?.usages.map((u) => u.source).sort()).toEqual(['efs', 'network-interfaces']);
    expect(groups.find((g) => g.groupId === 'sg-free')?.verdict).toBe('candidate');
  });

  it('fail every source that read them when their fetch fails', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const report = await audit();

    // Assess
    const failed = report.regions[0]?.scans.filter((s) => s.status === 'failed').map((s) => [s.source, s.error?.code]);
    expect(failed).toEqual([
      ['network-interfaces', 'UnauthorizedOperation'],
      ['efs', 'UnauthorizedOperation'],
    ]);
    expect(report.regions[0]?.groups.find((g) => g.groupId === 'sg-free')?.verdict).toBe('unknown');
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, REGIONS.length);
  });

  it('are read again by the next audit run, never kept from an earlier one', async () => {
    // Prepare
    const factory = new ClientFactory({ maxAttempts: 1 });
    await audit(factory);

    // Act
    await audit(factory);

    // Assess
    expect(countOf(REGIONS[0] ?? '', DescribeNetworkInterfacesCommand)).toBe(2);
  });

  it('are empty for every reader where their service is not offered, after one look at the service list', async () => {
    // Prepare
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND batch.eu-south-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'batch.eu-south-1.amazonaws.com' });
    batch.on(DescribeComputeEnvironmentsCommand).rejects(notFound);
    ssm.on(GetParameterCommand).rejects(Object.assign(awsError('ParameterNotFound'), { $metadata: { httpStatusCode: 400 } }));

    // Act
    const report = await audit();

    // Assess
    const scans = report.regions.find((r) => r.region === 'eu-south-1')?.scans ?? [];
    expect(scans.find((s) => s.source === 'batch')).toMatchObject({ status: 'ok', note: 'not offered in eu-south-1' });
    expect(scans.find((s) => s.source === 'launch-templates')).toMatchObject({ status: 'ok', note: 'batch not offered in eu-south-1' });
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/aws/service/global-infrastructure/regions/eu-south-1/services/batch' });
  });
});
