import {
  ListResolverEndpointsCommand,
  Route53ResolverClient,
  type ListResolverEndpointsCommandInput,
  type ListResolverEndpointsCommandOutput,
} from '@aws-sdk/client-route53resolver';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { route53ResolverScanner } from '../../../lambda/aws/scanners/route53-resolver';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// package.json pins @aws-sdk/client-route53resolver at 3.654, which bundles its own @smithy/types
// that aws-sdk-client-mock's types reject (the runtime works): these casts only re-type the classes.
const ListResolverEndpoints = ListResolverEndpointsCommand as unknown as new (
  input: ListResolverEndpointsCommandInput,
) => AwsCommand<ListResolverEndpointsCommandInput, ListResolverEndpointsCommandOutput & { $metadata: object }>;
const resolver = mockClient(Route53ResolverClient as unknown as Parameters<typeof mockClient>[0]);

beforeEach(() => resolver.reset());

describe('route53-resolver scanner', () => {
  it('marks the group of a resolver endpoint as in use, naming the endpoint and its direction', async () => {
    // Prepare
    resolver.on(ListResolverEndpoints).resolves({
      ResolverEndpoints: [
        {
          Id: 'rslvr-in-1',
          Arn: 'arn:aws:route53resolver:us-east-1:123456789012:resolver-endpoint/rslvr-in-1',
          Name: 'onprem-inbound',
          Direction: 'INBOUND',
          HostVPCId: 'vpc-1',
          Status: 'OPERATIONAL',
          SecurityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(route53ResolverScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'route53-resolver',
      resourceType: 'Route 53 Resolver endpoint',
      resourceId: 'rslvr-in-1',
      resourceName: 'onprem-inbound',
      detail: 'inbound, VPC vpc-1, status OPERATIONAL',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 endpoints per page and follows NextToken', async () => {
    resolver
      .on(ListResolverEndpoints)
      .resolvesOnce({ ResolverEndpoints: [], NextToken: 'page-2' })
      .resolvesOnce({ ResolverEndpoints: [{ Id: 'rslvr-out-2', Direction: 'OUTBOUND', SecurityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(route53ResolverScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(resolver).toHaveReceivedNthCommandWith(1, ListResolverEndpoints, { MaxResults: 100 });
    expect(resolver).toHaveReceivedNthCommandWith(2, ListResolverEndpoints, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when throttled', async () => {
    resolver.on(ListResolverEndpoints).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(route53ResolverScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['route53-resolver']);
  });
});
