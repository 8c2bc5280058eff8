import {
  DescribeDomainsCommand,
  DescribeVpcEndpointsCommand,
  ListDomainNamesCommand,
  ListVpcEndpointsCommand,
  OpenSearchClient,
  type VpcEndpointError,
} from '@aws-sdk/client-opensearch';
import type { ScanContext, Scanner } from './types';
import { chunks } from '../../core/concurrency';

// DescribeDomains: at most 5 names per call (AWS documentation). DescribeVpcEndpoints documents
// no limit, so it is read in the same small batches.
const BATCH = 5;

/** DescribeVpcEndpoints reported an endpoint it could not read (other than "not found"). */
export class OpenSearchVpcEndpointError extends Error {
  override readonly name = 'OpenSearchVpcEndpointError';
  constructor(readonly errors: VpcEndpointError[]) {
    super(`DescribeVpcEndpoints failed for ${errors.map((e) => `${e.VpcEndpointId ?? '?'} (${e.ErrorCode ?? '?'}: ${e.ErrorMessage ?? ''})`).join(', ')}`);
  }
}

async function scanDomains(client: OpenSearchClient, ctx: ScanContext): Promise<void> {
  // Not paginated; no EngineType so both OpenSearch and Elasticsearch domains are listed.
  const { DomainNames } = await client.send(new ListDomainNamesCommand({}));
  const names = (DomainNames ?? []).map((d) => d.DomainName).filter((n): n is string => !!n);
  for (const batch of chunks(names, BATCH)) {
    // A domain deleted since the listing is simply absent from the answer.
    const { DomainStatusList } = await client.send(new DescribeDomainsCommand({ DomainNames: batch }));
    for (const domain of DomainStatusList ?? []) {
      ctx.found(domain.VPCOptions?.SecurityGroupIds, {
        resourceType: 'OpenSearch domain',
        resourceId: domain.ARN ?? domain.DomainName ?? 'unknown',
        resourceName: domain.DomainName,
        detail: [domain.EngineVersion, domain.Deleted ? 'being deleted' : undefined, domain.Processing ? 'processing' : undefined].filter(Boolean).join(', '),
      });
    }
  }
}

async function scanVpcEndpoints(client: OpenSearchClient, ctx: ScanContext): Promise<void> {
  const ids: string[] = [];
  // No SDK v3 paginator and no page size: loop NextToken by hand.
  let token: string | undefined;
  do {
    const page = await client.send(new ListVpcEndpointsCommand({ NextToken: token }));
    for (const summary of page.VpcEndpointSummaryList ?? []) if (summary.VpcEndpointId) ids.push(summary.VpcEndpointId);
    token = page.NextToken;
  } while (token);

  for (const batch of chunks(ids, BATCH)) {
    const out = await client.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: batch }));
    for (const endpoint of out.VpcEndpoints ?? []) {
      ctx.found(endpoint.VpcOptions?.SecurityGroupIds, {
        resourceType: 'OpenSearch VPC endpoint',
        resourceId: endpoint.VpcEndpointId ?? 'unknown',
        detail: [endpoint.DomainArn ? `domain ${endpoint.DomainArn}` : undefined, endpoint.Status ? `status ${endpoint.Status}` : undefined].filter(Boolean).join(', '),
      });
    }
    // ENDPOINT_NOT_FOUND = deleted since the listing; anything else left an endpoint unread.
    const errors = (out.VpcEndpointErrors ?? []).filter((e) => e.ErrorCode !== 'ENDPOINT_NOT_FOUND');
    if (errors.length > 0) throw new OpenSearchVpcEndpointError(errors);
  }
}

/** OpenSearch / Elasticsearch domains in a VPC, and OpenSearch-managed VPC endpoints. */
export const opensearchScanner: Scanner = {
  source: 'opensearch',
  service: 'es',
  covers: ['AWS::Elasticsearch::Domain', 'AWS::OpenSearchService::Domain', 'place:opensearch-vpc-endpoints'],
  actions: ['es:ListDomainNames', 'es:DescribeDomains', 'es:ListVpcEndpoints', 'es:DescribeVpcEndpoints'],
  async scan(clients, _region, ctx) {
    const client = clients.get(OpenSearchClient);
    await scanDomains(client, ctx);
    await scanVpcEndpoints(client, ctx);
  },
};
