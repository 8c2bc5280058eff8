import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { BatchClient, DescribeComputeEnvironmentsCommand, type ComputeEnvironmentDetail } from '@aws-sdk/client-batch';
import { DescribeNodegroupCommand, EKSClient, ListClustersCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import {
  DescribeFleetsCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { launchTemplatesScanner } from '../../../lambda/aws/scanners/launch-templates';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const autoscaling = mockClient(AutoScalingClient);
const batch = mockClient(BatchClient);
const eks = mockClient(EKSClient);

const ALIASES = { Versions: ['$Latest', '$Default'] };

function version(id: string, name: string, n: number, data: LaunchTemplateVersion['LaunchTemplateData'], isDefault = false): LaunchTemplateVersion {
  return { LaunchTemplateId: id, LaunchTemplateName: name, VersionNumber: n, DefaultVersion: isDefault, LaunchTemplateData: data };
}

function asg(name: string, extra: Partial<AutoScalingGroup>): AutoScalingGroup {
  return {
    AutoScalingGroupName: name,
    MinSize: 0,
    MaxSize: 2,
    DesiredCapacity: 0,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date('2026-01-01T00:00:00Z'),
    ...extra,
  };
}

beforeEach(() => {
  ec2.reset();
  autoscaling.reset();
  batch.reset();
  eks.reset();
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  ec2.on(DescribeSpotFleetRequestsCommand).resolves({ SpotFleetRequestConfigs: [] });
  ec2.on(DescribeFleetsCommand).resolves({ Fleets: [] });
  autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  batch.on(DescribeComputeEnvironmentsCommand).resolves({ computeEnvironments: [] });
  eks.on(ListClustersCommand).resolves({ clusters: [] });
});

function computeEnvironment(name: string, launchTemplate: NonNullable<ComputeEnvironmentDetail['computeResources']>['launchTemplate']): ComputeEnvironmentDetail {
  return {
    computeEnvironmentName: name,
    computeEnvironmentArn: `arn:aws:batch:us-east-1:123456789012:compute-environment/${name}`,
    type: 'MANAGED',
    state: 'ENABLED',
    status: 'VALID',
    computeResources: { type: 'EC2', maxvCpus: 16, subnets: ['subnet-1'], instanceRole: 'ecsInstanceRole', launchTemplate },
  };
}

describe('launch-templates scanner', () => {
  it('marks a group of a default version as in use, naming the template and the version', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 3, { SecurityGroupIds: ['sg-used'] }, true)],
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'launch-templates',
      resourceType: 'launch template',
      resourceId: 'lt-1',
      resourceName: 'web',
      detail: '$Default v3',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('lists every template latest and default version at once, 200 per page, managed ones included', async () => {
    await scanAndClassify(launchTemplatesScanner, [group('sg-a')]);

    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, {
      Versions: ['$Latest', '$Default'],
      MaxResults: 200,
      IncludeManagedResources: true,
    });
    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 1);
  });

  it('labels a non-default row of the listing as the latest version', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 5, { SecurityGroupIds: ['sg-new'] })],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-new')]);

    expect(result.verdictOf('sg-new').usages[0]?.detail).toBe('$Latest v5');
  });

  it('counts the groups of network interfaces in the template data', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 1, { NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-eni'] }] }, true)],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-eni')]);

    expect(result.verdictOf('sg-eni').verdict).toBe('in-use');
  });

  it('resolves group names to ids, marking every group that shares an ambiguous name', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'legacy', 1, { SecurityGroups: ['web'] }, true)],
    });
    const groups = [
      group('sg-web-a', { groupName: 'web', vpcId: 'vpc-a' }),
      group('sg-web-b', { groupName: 'web', vpcId: 'vpc-b' }),
      group('sg-other', { groupName: 'other' }),
    ];

    const result = await scanAndClassify(launchTemplatesScanner, groups);

    expect(result.verdictOf('sg-web-a').verdict).toBe('in-use');
    expect(result.verdictOf('sg-web-b').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('candidate');
  });

  it('resolves a group name whatever its case, since group names are unique regardless of case', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'legacy', 1, { SecurityGroups: ['Web-Tier'] }, true)],
    });
    const groups = [group('sg-web', { groupName: 'web-tier' }), group('sg-other', { groupName: 'other' })];

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, groups);

    // Assess
    expect(result.verdictOf('sg-web').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('candidate');
  });

  it('follows NextToken through the account-wide listing', async () => {
    ec2
      .on(DescribeLaunchTemplateVersionsCommand, ALIASES)
      .resolvesOnce({ LaunchTemplateVersions: [], NextToken: 'page-2' })
      .resolvesOnce({ LaunchTemplateVersions: [version('lt-9', 'late', 1, { SecurityGroupIds: ['sg-late'] }, true)] });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeLaunchTemplateVersionsCommand, { NextToken: 'page-2' });
  });

  it('reads a version pinned by an Auto Scaling group by template name, and names the group in the evidence', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 5, { SecurityGroupIds: ['sg-current'] }, true)],
    });
    ec2
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-1', Versions: ['2'] })
      .resolves({ LaunchTemplateVersions: [version('lt-1', 'web', 2, { SecurityGroupIds: ['sg-pinned'] })] });
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [asg('web-asg', { LaunchTemplate: { LaunchTemplateName: 'web', Version: '2' } })],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-current'), group('sg-pinned')]);

    expect(result.verdictOf('sg-pinned').verdict).toBe('in-use');
    expect(result.verdictOf('sg-pinned').usages[0]).toMatchObject({ resourceId: 'lt-1', detail: 'v2 pinned by ASG web-asg' });
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, {
      LaunchTemplateId: 'lt-1',
      Versions: ['2'],
      MaxResults: 200,
    });
  });

  it('reads the versions pinned in a mixed instances policy and its overrides, one call per template', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-2' }).resolves({
      LaunchTemplateVersions: [
        version('lt-2', 'mixed', 4, { SecurityGroupIds: ['sg-base'] }),
        version('lt-2', 'mixed', 7, { SecurityGroupIds: ['sg-override'] }),
      ],
    });
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        asg('spot-asg', {
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: { LaunchTemplateId: 'lt-2', Version: '4' },
              Overrides: [{ InstanceType: 'm7g.large', LaunchTemplateSpecification: { LaunchTemplateId: 'lt-2', Version: '7' } }],
            },
          },
        }),
      ],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-base'), group('sg-override')]);

    expect(result.verdictOf('sg-base').verdict).toBe('in-use');
    expect(result.verdictOf('sg-override').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-2', Versions: ['4', '7'] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 2);
  });

  it('makes no extra call for pins on $Latest, $Default or a version the listing already returned', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 3, { SecurityGroupIds: ['sg-a'] }, true)],
    });
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        asg('a', { LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '$Latest' } }),
        asg('b', { LaunchTemplate: { LaunchTemplateId: 'lt-1' } }),
        asg('c', { LaunchTemplate: { LaunchTemplateName: 'web', Version: '3' } }),
      ],
    });

    await scanAndClassify(launchTemplatesScanner, [group('sg-a')]);

    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 1);
  });

  it('reads the versions that Spot Fleets and EC2 Fleets pin', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-s' }).resolves({
      LaunchTemplateVersions: [version('lt-s', 'spot', 2, { SecurityGroupIds: ['sg-spot'] })],
    });
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-f' }).resolves({
      LaunchTemplateVersions: [version('lt-f', 'fleet', 6, { SecurityGroupIds: ['sg-fleet'] })],
    });
    ec2.on(DescribeSpotFleetRequestsCommand).resolves({
      SpotFleetRequestConfigs: [
        {
          SpotFleetRequestId: 'sfr-1',
          SpotFleetRequestState: 'active',
          SpotFleetRequestConfig: {
            IamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
            TargetCapacity: 1,
            LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: 'lt-s', Version: '2' } }],
          },
        },
      ],
    });
    ec2.on(DescribeFleetsCommand).resolves({
      Fleets: [
        {
          FleetId: 'fleet-1',
          FleetState: 'active',
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: 'lt-f', Version: '6' } }],
        },
      ],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-spot'), group('sg-fleet')]);

    expect(result.verdictOf('sg-spot').usages[0]?.detail).toBe('v2 pinned by Spot Fleet sfr-1');
    expect(result.verdictOf('sg-fleet').usages[0]?.detail).toBe('v6 pinned by EC2 Fleet fleet-1');
    expect(ec2).toHaveReceivedCommandWith(DescribeSpotFleetRequestsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedCommandWith(DescribeFleetsCommand, { MaxResults: 1000 });
  });

  it('ignores the pins of deleted fleets', async () => {
    ec2.on(DescribeFleetsCommand).resolves({
      Fleets: [{ FleetId: 'fleet-old', FleetState: 'deleted', LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: 'lt-x', Version: '1' } }] }],
    });

    await scanAndClassify(launchTemplatesScanner, [group('sg-a')]);

    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 1);
  });

  it('skips a pinned template that no longer exists, with the scan still ok', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateName: 'gone' }).rejects(awsError('InvalidLaunchTemplateName.NotFoundException'));
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [asg('orphan', { LaunchTemplate: { LaunchTemplateName: 'gone', Version: '4' } })],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('reads the remaining pinned versions one by one when one of them was deleted', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-3', Versions: ['1', '2'] }).rejects(awsError('InvalidLaunchTemplateId.VersionNotFound'));
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-3', Versions: ['1'] }).rejects(awsError('InvalidLaunchTemplateId.VersionNotFound'));
    ec2
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-3', Versions: ['2'] })
      .resolves({ LaunchTemplateVersions: [version('lt-3', 'app', 2, { SecurityGroupIds: ['sg-kept'] })] });
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        asg('old', { LaunchTemplate: { LaunchTemplateId: 'lt-3', Version: '1' } }),
        asg('new', { LaunchTemplate: { LaunchTemplateId: 'lt-3', Version: '2' } }),
      ],
    });

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-kept')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-kept').usages[0]?.detail).toBe('v2 pinned by ASG new');
  });

  it('reads the versions a Batch compute environment and its overrides pin, naming the environment', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-b', Versions: ['3', '5'] }).resolves({
      LaunchTemplateVersions: [version('lt-b', 'batch', 3, { SecurityGroupIds: ['sg-base'] }), version('lt-b', 'batch', 5, { SecurityGroupIds: ['sg-gpu'] })],
    });
    batch.on(DescribeComputeEnvironmentsCommand).resolves({
      computeEnvironments: [
        computeEnvironment('render', {
          launchTemplateId: 'lt-b',
          version: '3',
          overrides: [{ launchTemplateId: 'lt-b', version: '5', targetInstanceTypes: ['g5'] }],
        }),
      ],
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-base'), group('sg-gpu'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-base').usages[0]?.detail).toBe('v3 pinned by Batch compute environment render');
    expect(result.verdictOf('sg-gpu').usages[0]?.detail).toBe('v5 pinned by Batch compute environment render');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads every version of a template a Batch compute environment names by $Latest, $Default or no version', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-a', 'jobs', 9, { SecurityGroupIds: ['sg-now'] }, true)],
    });
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-a' }).resolves({
      LaunchTemplateVersions: [version('lt-a', 'jobs', 2, { SecurityGroupIds: ['sg-old'] }), version('lt-a', 'jobs', 9, { SecurityGroupIds: ['sg-now'] }, true)],
    });
    batch.on(DescribeComputeEnvironmentsCommand).resolves({
      computeEnvironments: [computeEnvironment('etl', { launchTemplateName: 'jobs', version: '$Latest' }), computeEnvironment('nightly', { launchTemplateId: 'lt-a' })],
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-old'), group('sg-now')]);

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-a', MaxResults: 200, IncludeManagedResources: true });
    expect(ec2).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 2);
    expect(result.verdictOf('sg-old').verdict).toBe('in-use');
    expect(result.verdictOf('sg-old').usages[0]?.detail).toBe(
      'v2 any version may be launched by Batch compute environment etl, Batch compute environment nightly (it resolves $Latest/$Default only when updated)',
    );
  });

  it('reads the version an EKS node group pins, naming the node group', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-e', Versions: ['4'] }).resolves({
      LaunchTemplateVersions: [version('lt-e', 'nodes', 4, { SecurityGroupIds: ['sg-nodes'] })],
    });
    eks.on(ListClustersCommand).resolves({ clusters: ['platform'] });
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });
    eks.on(DescribeNodegroupCommand).resolves({
      nodegroup: { clusterName: 'platform', nodegroupName: 'workers', status: 'ACTIVE', launchTemplate: { id: 'lt-e', name: 'nodes', version: '4' } },
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-nodes'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-nodes').usages[0]?.detail).toBe('v4 pinned by EKS node group platform/workers');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(result.scan.sharedListings).toEqual(['batch:compute-environments', 'ec2:spot-fleet-requests', 'eks:node-groups']);
  });

  it('leaves out the Batch and EKS pins when batch and eks are excluded, and says so', async () => {
    // Prepare
    batch.on(DescribeComputeEnvironmentsCommand).rejects(awsError('AccessDeniedException'));
    eks.on(ListClustersCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-a')], { settings: { skipSources: ['batch', 'eks'] } });

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.scan.note).toBe('launch templates of batch and eks not read (excluded by skipSources)');
    expect(batch).not.toHaveReceivedCommand(DescribeComputeEnvironmentsCommand);
    expect(eks).not.toHaveReceivedCommand(ListClustersCommand);
  });

  it('makes otherwise-unproven groups unknown when the Batch listing it needs is denied', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 1, { SecurityGroupIds: ['sg-seen'] }, true)],
    });
    batch.on(DescribeComputeEnvironmentsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-seen'), group('sg-other')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('AccessDeniedException');
    expect(result.verdictOf('sg-seen').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown when Auto Scaling denies access, keeping what the listing proved', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).resolves({
      LaunchTemplateVersions: [version('lt-1', 'web', 1, { SecurityGroupIds: ['sg-seen'] }, true)],
    });
    autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(awsError('AccessDenied'));

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-seen'), group('sg-other')]);

    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('AccessDenied');
    expect(result.verdictOf('sg-seen').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });

  it('makes groups unknown, never candidates, when the listing is throttled', async () => {
    ec2.on(DescribeLaunchTemplateVersionsCommand, ALIASES).rejects(awsError('RequestLimitExceeded'));

    const result = await scanAndClassify(launchTemplatesScanner, [group('sg-a')]);

    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['launch-templates']);
  });
});
