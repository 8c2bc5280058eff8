import {
  DescribeClusterCommand,
  DescribeStudioCommand,
  EMRClient,
  ListClustersCommand,
  ListStudiosCommand,
} from '@aws-sdk/client-emr';
import { mockClient } from 'aws-sdk-client-mock';
import { emrScanner } from '../../../lambda/aws/scanners/emr';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const emr = mockClient(EMRClient);

beforeEach(() => {
  emr.reset();
  emr.on(ListClustersCommand).resolves({ Clusters: [] });
  emr.on(ListStudiosCommand).resolves({ Studios: [] });
});

describe('emr scanner', () => {
  it('marks the groups of an active cluster as in use, naming the cluster and the role of each group', async () => {
    // Prepare
    emr.on(ListClustersCommand).resolves({ Clusters: [{ Id: 'j-1ABC', Name: 'spark-etl' }] });
    emr.on(DescribeClusterCommand, { ClusterId: 'j-1ABC' }).resolves({
      Cluster: {
        Id: 'j-1ABC',
        Name: 'spark-etl',
        Status: { State: 'WAITING' },
        Ec2InstanceAttributes: {
          EmrManagedMasterSecurityGroup: 'sg-primary',
          EmrManagedSlaveSecurityGroup: 'sg-core',
          ServiceAccessSecurityGroup: 'sg-service',
          AdditionalMasterSecurityGroups: ['sg-extra-primary'],
          AdditionalSlaveSecurityGroups: ['sg-extra-core'],
        },
      },
    });
    const ids = ['sg-primary', 'sg-core', 'sg-service', 'sg-extra-primary', 'sg-extra-core'];

    // Act
    const result = await scanAndClassify(emrScanner, [...ids.map((id) => group(id)), group('sg-free')]);

    // Assess
    for (const id of ids) expect(result.verdictOf(id).verdict).toBe('in-use');
    expect(result.verdictOf('sg-primary').usages[0]).toMatchObject({
      source: 'emr',
      resourceType: 'EMR cluster',
      resourceId: 'j-1ABC',
      resourceName: 'spark-etl',
      detail: 'state WAITING, EMR-managed primary group',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('lists only clusters in active states', async () => {
    await scanAndClassify(emrScanner, [group('sg-a')]);

    expect(emr).toHaveReceivedCommandWith(ListClustersCommand, {
      ClusterStates: ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING'],
    });
  });

  it('follows Marker to the last page of clusters', async () => {
    emr
      .on(ListClustersCommand)
      .resolvesOnce({ Clusters: [], Marker: 'page-2' })
      .resolvesOnce({ Clusters: [{ Id: 'j-LATE' }] });
    emr.on(DescribeClusterCommand).resolves({
      Cluster: { Id: 'j-LATE', Status: { State: 'RUNNING' }, Ec2InstanceAttributes: { EmrManagedMasterSecurityGroup: 'sg-late' } },
    });

    const result = await scanAndClassify(emrScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(emr).toHaveReceivedNthCommandWith(2, ListClustersCommand, { Marker: 'page-2' });
  });

  it('marks the workspace and engine groups of an EMR Studio as in use', async () => {
    emr.on(ListStudiosCommand).resolves({ Studios: [{ StudioId: 'es-1', Name: 'analytics' }] });
    emr.on(DescribeStudioCommand, { StudioId: 'es-1' }).resolves({
      Studio: { StudioId: 'es-1', Name: 'analytics', WorkspaceSecurityGroupId: 'sg-ws', EngineSecurityGroupId: 'sg-engine' },
    });

    const result = await scanAndClassify(emrScanner, [group('sg-ws'), group('sg-engine')]);

    expect(result.verdictOf('sg-ws').usages[0]).toMatchObject({ resourceType: 'EMR Studio', resourceId: 'es-1', detail: 'workspace group' });
    expect(result.verdictOf('sg-engine').usages[0]).toMatchObject({ resourceType: 'EMR Studio', detail: 'engine group' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when describing a cluster is denied', async () => {
    emr.on(ListClustersCommand).resolves({ Clusters: [{ Id: 'j-1' }] });
    emr.on(DescribeClusterCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(emrScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['emr']);
  });

  it('fails the scan when listing studios is throttled, keeping the cluster usages already read', async () => {
    emr.on(ListClustersCommand).resolves({ Clusters: [{ Id: 'j-1' }] });
    emr.on(DescribeClusterCommand).resolves({ Cluster: { Id: 'j-1', Ec2InstanceAttributes: { EmrManagedMasterSecurityGroup: 'sg-seen' } } });
    emr.on(ListStudiosCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(emrScanner, [group('sg-seen'), group('sg-other')]);

    expect(result.verdictOf('sg-seen').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });
});
