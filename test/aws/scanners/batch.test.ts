import { BatchClient, DescribeComputeEnvironmentsCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { batchScanner } from '../../../lambda/aws/scanners/batch';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const batch = mockClient(BatchClient);

beforeEach(() => batch.reset());

const ARN = 'arn:aws:batch:us-east-1:123456789012:compute-environment/nightly-etl';

describe('batch scanner', () => {
  it('marks a group of a managed compute environment as in use, naming the environment', async () => {
    // Prepare
    batch.on(DescribeComputeEnvironmentsCommand).resolves({
      computeEnvironments: [
        {
          computeEnvironmentName: 'nightly-etl',
          computeEnvironmentArn: ARN,
          type: 'MANAGED',
          state: 'ENABLED',
          status: 'VALID',
          computeResources: { type: 'EC2', maxvCpus: 16, subnets: ['subnet-1'], securityGroupIds: ['sg-used'] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(batchScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'batch',
      resourceType: 'Batch compute environment',
      resourceId: ARN,
      resourceName: 'nightly-etl',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group held only by an ECS Managed Instances environment\'s provider as in use', async () => {
    // Prepare
    batch.on(DescribeComputeEnvironmentsCommand).resolves({
      computeEnvironments: [
        {
          computeEnvironmentName: 'managed-instances',
          computeEnvironmentArn: `${ARN}-mi`,
          type: 'MANAGED',
          state: 'DISABLED',
          computeResources: {
            type: 'ECS_MANAGED_INSTANCES',
            maxvCpus: 8,
            subnets: [],
            managedInstancesProvider: {
              infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructure',
              instanceLaunchTemplate: {
                ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstance',
                networkConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-mi'] },
              },
            },
          },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(batchScanner, [group('sg-mi'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-mi').verdict).toBe('in-use');
    expect(result.verdictOf('sg-mi').usages[0]).toMatchObject({ source: 'batch', resourceName: 'managed-instances' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 environments per page', async () => {
    batch.on(DescribeComputeEnvironmentsCommand).resolves({ computeEnvironments: [] });

    await scanAndClassify(batchScanner, [group('sg-a')]);

    expect(batch).toHaveReceivedCommandWith(DescribeComputeEnvironmentsCommand, { maxResults: 100 });
  });

  it('follows nextToken to the last page', async () => {
    batch
      .on(DescribeComputeEnvironmentsCommand)
      .resolvesOnce({ computeEnvironments: [], nextToken: 'page-2' })
      .resolvesOnce({
        computeEnvironments: [
          { computeEnvironmentName: 'late', computeEnvironmentArn: `${ARN}-late`, computeResources: { type: 'SPOT', maxvCpus: 4, subnets: [], securityGroupIds: ['sg-late'] } },
        ],
      });

    const result = await scanAndClassify(batchScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.totalCalls).toBe(2);
    expect(batch).toHaveReceivedNthCommandWith(2, DescribeComputeEnvironmentsCommand, { nextToken: 'page-2' });
  });

  it('counts a disabled environment as usage and names its pinned launch template', async () => {
    batch.on(DescribeComputeEnvironmentsCommand).resolves({
      computeEnvironments: [
        {
          computeEnvironmentName: 'paused',
          computeEnvironmentArn: `${ARN}-paused`,
          state: 'DISABLED',
          computeResources: {
            type: 'EC2',
            maxvCpus: 8,
            subnets: ['subnet-1'],
            securityGroupIds: ['sg-paused'],
            launchTemplate: { launchTemplateId: 'lt-0abc', version: '3' },
          },
        },
      ],
    });

    const result = await scanAndClassify(batchScanner, [group('sg-paused')]);

    expect(result.verdictOf('sg-paused').verdict).toBe('in-use');
    expect(result.verdictOf('sg-paused').usages[0]?.detail).toContain('state DISABLED');
    expect(result.verdictOf('sg-paused').usages[0]?.detail).toContain('launch template lt-0abc version 3');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    batch.on(DescribeComputeEnvironmentsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(batchScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['batch']);
  });
});
