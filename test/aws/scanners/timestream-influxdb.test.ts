import {
  GetDbClusterCommand as GetDbClusterSdkCommand,
  GetDbInstanceCommand as GetDbInstanceSdkCommand,
  ListDbClustersCommand as ListDbClustersSdkCommand,
  ListDbInstancesCommand as ListDbInstancesSdkCommand,
  TimestreamInfluxDBClient,
  type GetDbClusterCommandInput,
  type GetDbClusterCommandOutput,
  type GetDbInstanceCommandInput,
  type GetDbInstanceCommandOutput,
  type ListDbClustersCommandInput,
  type ListDbClustersCommandOutput,
  type ListDbInstancesCommandInput,
  type ListDbInstancesCommandOutput,
} from '@aws-sdk/client-timestream-influxdb';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { timestreamInfluxdbScanner } from '../../../lambda/aws/scanners/timestream-influxdb';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// client-timestream-influxdb ships its own @smithy/types, which aws-sdk-client-mock's types do not accept: cast.
type Mocked<I, O> = new (input: I) => AwsCommand<I, O & { $metadata: object }>;
const ListDbClustersCommand = ListDbClustersSdkCommand as unknown as Mocked<ListDbClustersCommandInput, ListDbClustersCommandOutput>;
const GetDbClusterCommand = GetDbClusterSdkCommand as unknown as Mocked<GetDbClusterCommandInput, GetDbClusterCommandOutput>;
const ListDbInstancesCommand = ListDbInstancesSdkCommand as unknown as Mocked<ListDbInstancesCommandInput, ListDbInstancesCommandOutput>;
const GetDbInstanceCommand = GetDbInstanceSdkCommand as unknown as Mocked<GetDbInstanceCommandInput, GetDbInstanceCommandOutput>;
const ts = mockClient(TimestreamInfluxDBClient as unknown as Parameters<typeof mockClient>[0]);
const ARN = 'arn:aws:timestream-influxdb:us-east-1:123456789012';

beforeEach(() => {
  ts.reset();
  ts.on(ListDbClustersCommand).resolves({ items: [] });
  ts.on(ListDbInstancesCommand).resolves({ items: [] });
});

describe('timestream-influxdb scanner', () => {
  it('marks a group held only by a cluster as in use, naming the cluster', async () => {
    // Prepare
    ts.on(ListDbClustersCommand).resolves({ items: [{ id: 'c1', name: 'metrics', arn: `${ARN}:db-cluster/c1`, status: 'AVAILABLE' }] });
    ts.on(GetDbClusterCommand, { dbClusterId: 'c1' }).resolves({ id: 'c1', name: 'metrics', arn: `${ARN}:db-cluster/c1`, status: 'AVAILABLE', vpcSubnetIds: ['subnet-1'], vpcSecurityGroupIds: ['sg-cluster'] });

    // Act
    const result = await scanAndClassify(timestreamInfluxdbScanner, [group('sg-cluster'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-cluster').verdict).toBe('in-use');
    expect(result.verdictOf('sg-cluster').usages[0]).toMatchObject({ source: 'timestream-influxdb', resourceType: 'Timestream for InfluxDB cluster', resourceId: `${ARN}:db-cluster/c1`, resourceName: 'metrics', detail: 'status AVAILABLE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group held only by an instance as in use', async () => {
    ts.on(ListDbInstancesCommand).resolves({ items: [{ id: 'i1', name: 'single', arn: `${ARN}:db-instance/i1`, status: 'AVAILABLE' }] });
    ts.on(GetDbInstanceCommand, { identifier: 'i1' }).resolves({ id: 'i1', name: 'single', arn: `${ARN}:db-instance/i1`, status: 'AVAILABLE', vpcSubnetIds: ['subnet-1'], vpcSecurityGroupIds: ['sg-inst'] });

    const result = await scanAndClassify(timestreamInfluxdbScanner, [group('sg-inst')]);

    expect(result.verdictOf('sg-inst').usages[0]).toMatchObject({ resourceType: 'Timestream for InfluxDB instance', resourceName: 'single' });
  });

  it('follows nextToken, asking for 100 per page', async () => {
    ts.on(ListDbInstancesCommand).resolvesOnce({ items: [], nextToken: 'p2' }).resolvesOnce({ items: [{ id: 'i2', name: 'late', arn: `${ARN}:db-instance/i2` }] });
    ts.on(GetDbInstanceCommand).resolves({ id: 'i2', name: 'late', arn: `${ARN}:db-instance/i2`, vpcSubnetIds: ['subnet-1'], vpcSecurityGroupIds: ['sg-late'] });

    const result = await scanAndClassify(timestreamInfluxdbScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ts).toHaveReceivedCommandWith(ListDbInstancesCommand, { maxResults: 100, nextToken: 'p2' });
    expect(ts).toHaveReceivedCommandWith(ListDbClustersCommand, { maxResults: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ts.on(ListDbClustersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(timestreamInfluxdbScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
