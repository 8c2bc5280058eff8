import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListClustersCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { eksScanner } from '../../../lambda/aws/scanners/eks';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const eks = mockClient(EKSClient);

const CLUSTER_ARN = 'arn:aws:eks:us-east-1:123456789012:cluster/platform';

beforeEach(() => {
  eks.reset();
  eks.on(ListClustersCommand).resolves({ clusters: ['platform'] });
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: 'platform',
      arn: CLUSTER_ARN,
      status: 'ACTIVE',
      version: '1.31',
      resourcesVpcConfig: { securityGroupIds: ['sg-extra'], clusterSecurityGroupId: 'sg-cluster' },
    },
  });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
});

describe('eks scanner', () => {
  it('marks the additional and cluster security groups of a cluster as in use, naming the cluster', async () => {
    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-extra'), group('sg-cluster'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-extra').usages[0]).toMatchObject({ source: 'eks', resourceType: 'EKS cluster', resourceId: CLUSTER_ARN, resourceName: 'platform' });
    expect(result.verdictOf('sg-cluster').verdict).toBe('in-use');
    expect(result.verdictOf('sg-cluster').usages[0]?.detail).toContain('created by EKS');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks node group remote-access groups as in use', async () => {
    // Prepare
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });
    eks.on(DescribeNodegroupCommand).resolves({
      nodegroup: {
        nodegroupName: 'workers',
        nodegroupArn: 'arn:aws:eks:us-east-1:123456789012:nodegroup/platform/workers/abc',
        status: 'ACTIVE',
        remoteAccess: { ec2SshKey: 'ops', sourceSecurityGroups: ['sg-bastion'] },
        resources: { remoteAccessSecurityGroup: 'sg-remote' },
      },
    });

    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-bastion'), group('sg-remote')]);

    // Assess
    expect(result.verdictOf('sg-bastion').usages[0]).toMatchObject({ resourceType: 'EKS node group', resourceName: 'platform/workers' });
    expect(result.verdictOf('sg-remote').verdict).toBe('in-use');
    expect(eks).toHaveReceivedCommandWith(DescribeNodegroupCommand, { clusterName: 'platform', nodegroupName: 'workers' });
  });

  it('follows the cluster and node group tokens to the last page', async () => {
    // Prepare
    eks.on(ListClustersCommand).resolvesOnce({ clusters: [], nextToken: 'clusters-2' }).resolvesOnce({ clusters: ['platform'] });
    eks.on(ListNodegroupsCommand).resolvesOnce({ nodegroups: [], nextToken: 'ng-2' }).resolvesOnce({ nodegroups: ['late'] });
    eks.on(DescribeNodegroupCommand).resolves({ nodegroup: { nodegroupName: 'late', remoteAccess: { sourceSecurityGroups: ['sg-late'] } } });

    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(eks).toHaveReceivedNthCommandWith(2, ListClustersCommand, { nextToken: 'clusters-2', maxResults: 100 });
    expect(eks).toHaveReceivedCommandWith(ListNodegroupsCommand, { clusterName: 'platform', nextToken: 'ng-2', maxResults: 100 });
  });

  it('passes over a cluster deleted between ListClusters and DescribeCluster', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).rejects(awsError('ResourceNotFoundException'));
    eks.on(ListNodegroupsCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('passes over a node group deleted between ListNodegroups and DescribeNodegroup, reading the others', async () => {
    // Prepare
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['gone', 'kept'] });
    eks.on(DescribeNodegroupCommand, { clusterName: 'platform', nodegroupName: 'gone' }).rejects(awsError('ResourceNotFoundException'));
    eks.on(DescribeNodegroupCommand, { clusterName: 'platform', nodegroupName: 'kept' }).resolves({
      nodegroup: { nodegroupName: 'kept', remoteAccess: { sourceSecurityGroups: ['sg-ssh'] } },
    });

    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-ssh'), group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-ssh').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    eks.on(DescribeNodegroupCommand).rejects(awsError('AccessDeniedException'));
    eks.on(ListNodegroupsCommand).resolves({ nodegroups: ['workers'] });

    // Act
    const result = await scanAndClassify(eksScanner, [group('sg-extra'), group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-extra').verdict).toBe('in-use');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['eks']);
  });
});
