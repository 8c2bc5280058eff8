import { DescribeDomainsCommand, DescribeVpcEndpointsCommand, ListDomainNamesCommand, ListVpcEndpointsCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { mockClient } from 'aws-sdk-client-mock';
import { opensearchScanner } from '../../../lambda/aws/scanners/opensearch';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const opensearch = mockClient(OpenSearchClient);

const DOMAIN_ARN = 'arn:aws:es:us-east-1:123456789012:domain/logs';

beforeEach(() => {
  opensearch.reset();
  opensearch.on(ListDomainNamesCommand).resolves({ DomainNames: [] });
  opensearch.on(DescribeDomainsCommand).resolves({ DomainStatusList: [] });
  opensearch.on(ListVpcEndpointsCommand).resolves({ VpcEndpointSummaryList: [], NextToken: undefined });
  opensearch.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [], VpcEndpointErrors: [] });
});

describe('opensearch scanner', () => {
  it('marks a group used only by a VPC domain as in use, naming the domain', async () => {
    // Prepare
    opensearch.on(ListDomainNamesCommand).resolves({ DomainNames: [{ DomainName: 'logs', EngineType: 'OpenSearch' }] });
    opensearch.on(DescribeDomainsCommand).resolves({
      DomainStatusList: [
        {
          DomainId: '123456789012/logs',
          DomainName: 'logs',
          ARN: DOMAIN_ARN,
          EngineVersion: 'OpenSearch_2.13',
          ClusterConfig: {},
          VPCOptions: { VPCId: 'vpc-1', SecurityGroupIds: ['sg-used'] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(opensearchScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'opensearch', resourceType: 'OpenSearch domain', resourceId: DOMAIN_ARN, resourceName: 'logs' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('describes domains five at a time', async () => {
    // Prepare
    const names = Array.from({ length: 7 }, (_, i) => `domain-${i}`);
    opensearch.on(ListDomainNamesCommand).resolves({ DomainNames: names.map((DomainName) => ({ DomainName })) });

    // Act
    await scanAndClassify(opensearchScanner, [group('sg-a')]);

    // Assess
    expect(opensearch).toHaveReceivedCommandTimes(DescribeDomainsCommand, 2);
    expect(opensearch).toHaveReceivedCommandWith(DescribeDomainsCommand, { DomainNames: names.slice(0, 5) });
    expect(opensearch).toHaveReceivedCommandWith(DescribeDomainsCommand, { DomainNames: names.slice(5) });
  });

  it('marks a group used by an OpenSearch VPC endpoint as in use, following NextToken', async () => {
    // Prepare
    opensearch
      .on(ListVpcEndpointsCommand)
      .resolvesOnce({ VpcEndpointSummaryList: [], NextToken: 'page-2' })
      .resolvesOnce({ VpcEndpointSummaryList: [{ VpcEndpointId: 'aos-abc123', DomainArn: DOMAIN_ARN, Status: 'ACTIVE' }], NextToken: undefined });
    opensearch.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [{ VpcEndpointId: 'aos-abc123', DomainArn: DOMAIN_ARN, Status: 'ACTIVE', VpcOptions: { VPCId: 'vpc-2', SecurityGroupIds: ['sg-endpoint'] } }],
      VpcEndpointErrors: [],
    });

    // Act
    const result = await scanAndClassify(opensearchScanner, [group('sg-endpoint')]);

    // Assess
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({ resourceType: 'OpenSearch VPC endpoint', resourceId: 'aos-abc123' });
    expect(opensearch).toHaveReceivedNthCommandWith(3, ListVpcEndpointsCommand, { NextToken: 'page-2' });
    expect(opensearch).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, { VpcEndpointIds: ['aos-abc123'] });
  });

  it('passes over an endpoint deleted since the listing but fails on any other endpoint error', async () => {
    // Prepare
    opensearch.on(ListVpcEndpointsCommand).resolves({ VpcEndpointSummaryList: [{ VpcEndpointId: 'aos-gone' }, { VpcEndpointId: 'aos-broken' }], NextToken: undefined });
    opensearch.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [],
      VpcEndpointErrors: [
        { VpcEndpointId: 'aos-gone', ErrorCode: 'ENDPOINT_NOT_FOUND', ErrorMessage: 'not found' },
        { VpcEndpointId: 'aos-broken', ErrorCode: 'SERVER_ERROR', ErrorMessage: 'internal' },
      ],
    });

    // Act
    const result = await scanAndClassify(opensearchScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('OpenSearchVpcEndpointError');
    expect(result.scan.error?.message).toContain('aos-broken');
    expect(result.scan.error?.message).not.toContain('aos-gone');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    opensearch.on(ListDomainNamesCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(opensearchScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['opensearch']);
  });
});
