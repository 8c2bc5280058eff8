import { BatchGetVpcEndpointCommand, ListVpcEndpointsCommand, OpenSearchServerlessClient } from '@aws-sdk/client-opensearchserverless';
import { mockClient } from 'aws-sdk-client-mock';
import { opensearchServerlessScanner } from '../../../lambda/aws/scanners/opensearch-serverless';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const aoss = mockClient(OpenSearchServerlessClient);

beforeEach(() => aoss.reset());

describe('opensearch-serverless scanner', () => {
  it('marks a group of a VPC endpoint as in use, reading one page of endpoints in one batch call', async () => {
    // Prepare
    aoss.on(ListVpcEndpointsCommand).resolves({ vpcEndpointSummaries: [{ id: 'vpce-a', name: 'search', status: 'ACTIVE' }, { id: 'vpce-b', name: 'other', status: 'ACTIVE' }] });
    aoss.on(BatchGetVpcEndpointCommand, { ids: ['vpce-a', 'vpce-b'] }).resolves({
      vpcEndpointDetails: [
        { id: 'vpce-a', name: 'search', vpcId: 'vpc-1', subnetIds: ['subnet-1'], securityGroupIds: ['sg-aoss'], status: 'ACTIVE' },
        { id: 'vpce-b', name: 'other', vpcId: 'vpc-1', subnetIds: ['subnet-1'], securityGroupIds: [], status: 'ACTIVE' },
      ],
    });

    // Act
    const result = await scanAndClassify(opensearchServerlessScanner, [group('sg-aoss'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-aoss').verdict).toBe('in-use');
    expect(result.verdictOf('sg-aoss').usages[0]).toMatchObject({ source: 'opensearch-serverless', resourceType: 'OpenSearch Serverless VPC endpoint', resourceId: 'vpce-a', resourceName: 'search' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(aoss).toHaveReceivedCommandTimes(BatchGetVpcEndpointCommand, 1);
  });

  it('follows nextToken, asking for 100 per page', async () => {
    aoss.on(ListVpcEndpointsCommand).resolvesOnce({ vpcEndpointSummaries: [], nextToken: 'p2' }).resolvesOnce({ vpcEndpointSummaries: [{ id: 'vpce-late' }] });
    aoss.on(BatchGetVpcEndpointCommand).resolves({ vpcEndpointDetails: [{ id: 'vpce-late', securityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(opensearchServerlessScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(aoss).toHaveReceivedCommandWith(ListVpcEndpointsCommand, { maxResults: 100, nextToken: 'p2' });
  });

  it('fails closed when the batch read reports an endpoint it could not read', async () => {
    aoss.on(ListVpcEndpointsCommand).resolves({ vpcEndpointSummaries: [{ id: 'vpce-x' }] });
    aoss.on(BatchGetVpcEndpointCommand).resolves({ vpcEndpointErrorDetails: [{ id: 'vpce-x', errorCode: 'InternalError', errorMessage: 'try again' }] });

    const result = await scanAndClassify(opensearchServerlessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    aoss.on(ListVpcEndpointsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(opensearchServerlessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
