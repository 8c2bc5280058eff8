import { CodeStarConnectionsClient, paginateListHosts } from '@aws-sdk/client-codestar-connections';
import type { Scanner } from './types';

// Confirmed in the CodeStar Connections / CodeConnections API reference and botocore's model:
// - ListHosts: MaxResults 0–100, NextToken; its Host items carry VpcConfiguration
//   {VpcId, SubnetIds, SecurityGroupIds, TlsCertificate}, so no per-host GetHost is needed.
// - IAM: codestar-connections:ListHosts. (AWS::CodeConnections::Host is the same resource under
//   the service's new name; @aws-sdk/client-codeconnections is not published in this registry, and
//   the CodeStar Connections endpoint serves the same hosts.)
const PAGE_SIZE = 100;

/**
 * CodeConnections (CodeStar Connections) hosts for GitHub Enterprise Server or GitLab self-managed
 * in a VPC: the host holds its groups in VpcConfiguration whether or not a connection is using it.
 */
export const codestarConnectionsScanner: Scanner = {
  source: 'codestar-connections',
  service: 'codestar-connections',
  covers: ['AWS::CodeConnections::Host'],
  actions: ['codestar-connections:ListHosts'],
  async scan(clients, _region, ctx) {
    const client = clients.get(CodeStarConnectionsClient);
    for await (const page of paginateListHosts({ client, pageSize: PAGE_SIZE }, {})) {
      for (const host of page.Hosts ?? []) {
        ctx.found(host.VpcConfiguration?.SecurityGroupIds, {
          resourceType: 'CodeConnections host',
          resourceId: host.HostArn ?? host.Name ?? 'unknown',
          resourceName: host.Name,
          detail: [host.ProviderType, host.Status ? `status ${host.Status}` : undefined, host.VpcConfiguration?.VpcId ? `VPC ${host.VpcConfiguration.VpcId}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }
  },
};
