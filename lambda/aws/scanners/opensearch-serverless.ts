import { BatchGetVpcEndpointCommand, OpenSearchServerlessClient, paginateListVpcEndpoints } from '@aws-sdk/client-opensearchserverless';
import type { Scanner } from './types';

// Amazon OpenSearch Serverless API reference and botocore 1.43.11's model (IAM prefix `aoss`):
// - ListVpcEndpoints: maxResults 1–100, nextToken; vpcEndpointSummaries[].{id, name, status} (no groups).
// - BatchGetVpcEndpoint(ids: 1–100): vpcEndpointDetails[].{id, name, securityGroupIds, status};
//   vpcEndpointErrorDetails[] for ids it could not read, which fail the scan.
// - IAM: aoss:ListVpcEndpoints, aoss:BatchGetVpcEndpoint.

/** An endpoint BatchGetVpcEndpoint could not read: its groups are unknown. */
export class UnreadableVpcEndpointError extends Error {
  override readonly name = 'UnreadableVpcEndpointError';
  constructor(readonly id: string, readonly code: string) {
    super(`OpenSearch Serverless VPC endpoint ${id} could not be read (${code})`);
  }
}

/** OpenSearch Serverless VPC endpoints: one batch read per listing page. */
export const opensearchServerlessScanner: Scanner = {
  source: 'opensearch-serverless',
  service: 'opensearchserverless',
  covers: ['AWS::OpenSearchServerless::VpcEndpoint'],
  actions: ['aoss:ListVpcEndpoints', 'aoss:BatchGetVpcEndpoint'],
  async scan(clients, _region, ctx) {
    const aoss = clients.get(OpenSearchServerlessClient);
    // The SDK's paginator has no page-size key (it ignores pageSize), so maxResults goes in the input.
    for await (const page of paginateListVpcEndpoints({ client: aoss }, { maxResults: 100 })) {
      const ids = (page.vpcEndpointSummaries ?? []).flatMap((summary) => (summary.id ? [summary.id] : []));
      if (ids.length === 0) continue;
      const batch = await aoss.send(new BatchGetVpcEndpointCommand({ ids }));
      const failed = batch.vpcEndpointErrorDetails?.[0];
      if (failed) throw new UnreadableVpcEndpointError(failed.id ?? '?', failed.errorCode ?? 'unknown error');
      for (const endpoint of batch.vpcEndpointDetails ?? []) {
        ctx.found(endpoint.securityGroupIds, {
          resourceType: 'OpenSearch Serverless VPC endpoint',
          resourceId: endpoint.id ?? 'vpce-?',
          ...(endpoint.name ? { resourceName: endpoint.name } : {}),
          detail: `status ${endpoint.status ?? 'unknown'}`,
        });
      }
    }
  },
};
