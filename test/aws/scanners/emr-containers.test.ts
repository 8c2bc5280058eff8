import {
  EMRContainersClient,
  ListManagedEndpointsCommand as ListManagedEndpointsSdkCommand,
  ListVirtualClustersCommand as ListVirtualClustersSdkCommand,
  type ListManagedEndpointsCommandInput,
  type ListManagedEndpointsCommandOutput,
  type ListVirtualClustersCommandInput,
  type ListVirtualClustersCommandOutput,
} from '@aws-sdk/client-emr-containers';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { emrContainersScanner } from '../../../lambda/aws/scanners/emr-containers';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// client-emr-containers ships its own @smithy/types, which aws-sdk-client-mock's types do not
// accept (as for client-route53resolver): the client and commands are cast to the mock's types.
const ListVirtualClustersCommand = ListVirtualClustersSdkCommand as unknown as new (
  input: ListVirtualClustersCommandInput,
) => AwsCommand<ListVirtualClustersCommandInput, ListVirtualClustersCommandOutput & { $metadata: object }>;
const ListManagedEndpointsCommand = ListManagedEndpointsSdkCommand as unknown as new (
  input: ListManagedEndpointsCommandInput,
) => AwsCommand<ListManagedEndpointsCommandInput, ListManagedEndpointsCommandOutput & { $metadata: object }>;
const emr = mockClient(EMRContainersClient as unknown as Parameters<typeof mockClient>[0]);
const ARN = 'arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/vc1';

beforeEach(() => {
  emr.reset();
  emr.on(ListVirtualClustersCommand).resolves({ virtualClusters: [{ id: 'vc1', name: 'analytics', arn: ARN, state: 'RUNNING' }] });
});

describe('emr-containers scanner', () => {
  it('marks the group of a managed endpoint as in use, naming the endpoint', async () => {
    // Prepare
    emr.on(ListManagedEndpointsCommand, { virtualClusterId: 'vc1' }).resolves({
      endpoints: [{ id: 'ep1', name: 'studio', arn: `${ARN}/endpoints/ep1`, virtualClusterId: 'vc1', type: 'JUPYTER_ENTERPRISE_GATEWAY', state: 'ACTIVE', securityGroup: 'sg-ep' }],
    });

    // Act
    const result = await scanAndClassify(emrContainersScanner, [group('sg-ep'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-ep').verdict).toBe('in-use');
    expect(result.verdictOf('sg-ep').usages[0]).toMatchObject({
      source: 'emr-containers',
      resourceType: 'EMR on EKS managed endpoint',
      resourceId: `${ARN}/endpoints/ep1`,
      resourceName: 'studio',
      detail: 'virtual cluster analytics, state ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks only for live virtual clusters and endpoints, following nextToken', async () => {
    emr.on(ListVirtualClustersCommand).resolvesOnce({ virtualClusters: [], nextToken: 'v2' }).resolvesOnce({ virtualClusters: [{ id: 'vc1' }] });
    emr.on(ListManagedEndpointsCommand).resolvesOnce({ endpoints: [], nextToken: 'e2' }).resolvesOnce({ endpoints: [{ id: 'late', securityGroup: 'sg-late' }] });

    const result = await scanAndClassify(emrContainersScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(emr).toHaveReceivedCommandWith(ListVirtualClustersCommand, { states: ['RUNNING', 'TERMINATING', 'ARRESTED'], nextToken: 'v2' });
    expect(emr).toHaveReceivedCommandWith(ListManagedEndpointsCommand, { virtualClusterId: 'vc1', states: ['CREATING', 'ACTIVE', 'TERMINATING'], nextToken: 'e2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    emr.on(ListManagedEndpointsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(emrContainersScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
