import {
  DescribeCapacityProvidersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { ecsServicesScanner } from '../../../lambda/aws/scanners/ecs-services';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ecs = mockClient(ECSClient);

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/prod/billing';

function service(overrides: Partial<Service> = {}): Service {
  return {
    serviceArn: SERVICE,
    serviceName: 'billing',
    clusterArn: CLUSTER,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-used'] } },
    ...overrides,
  };
}

beforeEach(() => {
  ecs.reset();
  ecs.on(ListClustersCommand).resolves({ clusterArns: [CLUSTER] });
  ecs.on(ListServicesCommand).resolves({ serviceArns: [SERVICE] });
  ecs.on(DescribeServicesCommand).resolves({ services: [service()], failures: [] });
  ecs.on(DescribeCapacityProvidersCommand).resolves({ capacityProviders: [], failures: [] });
});

describe('ecs-services scanner', () => {
  it('marks a group used only by an ECS service as in use, naming the service and its cluster', async () => {
    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'ecs-services', resourceType: 'ECS service', resourceId: SERVICE, resourceName: 'billing' });
    expect(result.verdictOf('sg-used').usages[0]?.detail).toContain('cluster prod');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('counts a service scaled to desiredCount 0, which has no network interface to show it', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 0, runningCount: 0 })] });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-used')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]?.detail).toContain('desiredCount 0');
  });

  it('counts the groups of an old deployment and a task set still running during a rollout', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          deployments: [
            { id: 'ecs-svc/new', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-used'] } } },
            { id: 'ecs-svc/old', status: 'ACTIVE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-old'] } } },
          ],
          taskSets: [{ id: 'ecs-svc/blue', status: 'ACTIVE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-blue'] } } }],
        }),
      ],
    });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-used'), group('sg-old'), group('sg-blue')]);

    // Assess
    expect(result.verdictOf('sg-old').verdict).toBe('in-use');
    expect(result.verdictOf('sg-old').usages[0]?.detail).toContain('deployment ecs-svc/old');
    expect(result.verdictOf('sg-blue').verdict).toBe('in-use');
    expect(result.verdictOf('sg-blue').usages[0]?.detail).toContain('task set ecs-svc/blue');
  });

  it('follows the cluster and service tokens to the last page', async () => {
    // Prepare
    ecs.on(ListClustersCommand).resolvesOnce({ clusterArns: [], nextToken: 'clusters-2' }).resolvesOnce({ clusterArns: [CLUSTER] });
    ecs.on(ListServicesCommand).resolvesOnce({ serviceArns: [], nextToken: 'services-2' }).resolvesOnce({ serviceArns: [SERVICE] });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-used')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(ecs).toHaveReceivedNthCommandWith(2, ListClustersCommand, { nextToken: 'clusters-2', maxResults: 100 });
    expect(ecs).toHaveReceivedCommandWith(ListServicesCommand, { cluster: CLUSTER, nextToken: 'services-2', maxResults: 100 });
  });

  it('describes services ten at a time', async () => {
    // Prepare
    const arns = Array.from({ length: 25 }, (_, i) => `${SERVICE}-${i}`);
    ecs.on(ListServicesCommand).resolves({ serviceArns: arns });
    ecs.on(DescribeServicesCommand).resolves({ services: [] });

    // Act
    await scanAndClassify(ecsServicesScanner, [group('sg-a')]);

    // Assess
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 3);
    expect(ecs).toHaveReceivedNthCommandWith(3, DescribeServicesCommand, { cluster: CLUSTER, services: arns.slice(0, 10) });
  });

  it('fails the scan on a DescribeServices failure other than MISSING, keeping what it read', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({
      services: [service()],
      failures: [{ arn: `${SERVICE}-2`, reason: 'ACCESS_DENIED', detail: 'not authorized' }],
    });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-used'), group('sg-other')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('EcsDescribeFailureError');
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });

  it('passes over a service deleted between listing and describing (failure reason MISSING)', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: SERVICE, reason: 'MISSING' }] });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('passes over a cluster deleted between ListClusters and ListServices', async () => {
    // Prepare
    ecs.on(ListServicesCommand).rejects(awsError('ClusterNotFoundException'));
    ecs.on(DescribeCapacityProvidersCommand).rejects(awsError('ClusterNotFoundException'));

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks the group of a Managed Instances capacity provider as in use, following nextToken', async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [] });
    ecs
      .on(DescribeCapacityProvidersCommand)
      .resolvesOnce({ capacityProviders: [{ name: 'FARGATE', status: 'ACTIVE' }], nextToken: 'cp-2' })
      .resolvesOnce({
        capacityProviders: [
          {
            name: 'mi-provider',
            capacityProviderArn: 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/mi-provider',
            status: 'ACTIVE',
            managedInstancesProvider: {
              instanceLaunchTemplate: {
                ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecs',
                networkConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-mi'] },
              },
            },
          },
        ],
      });

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-mi')]);

    // Assess
    expect(result.verdictOf('sg-mi').usages[0]).toMatchObject({ resourceType: 'ECS capacity provider', resourceName: 'mi-provider' });
    expect(ecs).toHaveReceivedCommandWith(DescribeCapacityProvidersCommand, { cluster: 'prod', maxResults: 10 });
    expect(ecs).toHaveReceivedCommandWith(DescribeCapacityProvidersCommand, { cluster: 'prod', nextToken: 'cp-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    ecs.on(ListClustersCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(ecsServicesScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['ecs-services']);
  });
});
