import { DocDBElasticClient, GetClusterCommand, ListClustersCommand, type Cluster } from '@aws-sdk/client-docdb-elastic';
import { mockClient } from 'aws-sdk-client-mock';
import { docdbElasticScanner } from '../../../lambda/aws/scanners/docdb-elastic';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const docdb = mockClient(DocDBElasticClient);

beforeEach(() => docdb.reset());

const ARN = 'arn:aws:docdb-elastic:us-east-1:123456789012:cluster/6f3a2b1c-0000-4000-8000-000000000001';

function cluster(overrides: Partial<Cluster>): Cluster {
  return {
    clusterName: 'catalog',
    clusterArn: ARN,
    status: 'ACTIVE',
    clusterEndpoint: 'catalog.cluster.docdb-elastic.amazonaws.com',
    createTime: '2026-01-01T00:00:00Z',
    adminUserName: 'admin',
    authType: 'PLAIN_TEXT',
    shardCapacity: 2,
    shardCount: 1,
    vpcSecurityGroupIds: [],
    subnetIds: ['subnet-1'],
    preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
    kmsKeyId: 'AWS_OWNED_KMS_KEY',
    ...overrides,
  };
}

describe('docdb-elastic scanner', () => {
  it('marks a group of an elastic cluster as in use, naming the cluster, and leaves another group a candidate', async () => {
    // Prepare
    docdb.on(ListClustersCommand).resolves({ clusters: [{ clusterName: 'catalog', clusterArn: ARN, status: 'ACTIVE' }] });
    docdb.on(GetClusterCommand, { clusterArn: ARN }).resolves({ cluster: cluster({ vpcSecurityGroupIds: ['sg-used'] }) });

    // Act
    const result = await scanAndClassify(docdbElasticScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'docdb-elastic',
      resourceType: 'DocumentDB elastic cluster',
      resourceId: ARN,
      resourceName: 'catalog',
      detail: 'status ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken to the last page, asking for 100 clusters per page', async () => {
    docdb
      .on(ListClustersCommand)
      .resolvesOnce({ clusters: [], nextToken: 'page-2' })
      .resolvesOnce({ clusters: [{ clusterName: 'late', clusterArn: 'arn:late', status: 'ACTIVE' }] });
    docdb.on(GetClusterCommand).resolves({ cluster: cluster({ clusterArn: 'arn:late', vpcSecurityGroupIds: ['sg-late'] }) });

    const result = await scanAndClassify(docdbElasticScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(docdb).toHaveReceivedNthCommandWith(1, ListClustersCommand, { maxResults: 100 });
    expect(docdb).toHaveReceivedNthCommandWith(2, ListClustersCommand, { nextToken: 'page-2' });
  });

  it('skips a cluster deleted between the listing and its read', async () => {
    docdb.on(ListClustersCommand).resolves({ clusters: [{ clusterName: 'gone', clusterArn: 'arn:gone', status: 'DELETING' }] });
    docdb.on(GetClusterCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(docdbElasticScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    docdb.on(ListClustersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(docdbElasticScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
