import { EC2Client, paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import { DescribeServerCommand, paginateListServers, TransferClient, type DescribedServer } from '@aws-sdk/client-transfer';
import type { RegionClients } from '../client-factory';
import type { Evidence, ScanContext, Scanner } from './types';
import { chunks } from '../../core/concurrency';
import { isNamed } from '../errors';
import { EC2_FILTER_VALUES } from '../inventory';

/** Endpoint types whose servers hold no group of their own (see the listing loop). */
const NO_GROUPS_OF_THEIR_OWN: ReadonlySet<string> = new Set(['PUBLIC', 'VPC_ENDPOINT']);

function evidenceOf(server: DescribedServer): Evidence {
  return {
    resourceType: 'Transfer Family server',
    resourceId: server.Arn ?? server.ServerId ?? 's-?',
    resourceName: server.ServerId,
    detail: `state ${server.State ?? 'unknown'}, VPC endpoint ${server.EndpointDetails?.VpcEndpointId ?? 'none'}`,
  };
}

/**
 * Transfer Family servers with a VPC endpoint. The summaries carry no groups, so each VPC server
 * is described (no bulk form). DescribeServer documents that it leaves SecurityGroupIds empty:
 * the groups live on the server's VPC endpoint, so those endpoints are read in bulk too, and the
 * evidence names the server rather than an anonymous endpoint.
 */
export const transferScanner: Scanner = {
  source: 'transfer',
  service: 'transfer',
  covers: ['AWS::Transfer::Server'],
  actions: ['transfer:ListServers', 'transfer:DescribeServer', 'ec2:DescribeVpcEndpoints'],
  async scan(clients, _region, ctx) {
    const transfer = clients.get(TransferClient);
    const byEndpoint = new Map<string, Evidence>();
    for await (const page of paginateListServers({ client: transfer, pageSize: 1000 }, {})) {
      for (const summary of page.Servers ?? []) {
        // PUBLIC servers have no VPC; VPC_ENDPOINT servers use an endpoint the vpc-endpoints source reads.
        // Anything else, a missing or new endpoint type included, is described: it may hold groups.
        if (!summary.ServerId || NO_GROUPS_OF_THEIR_OWN.has(summary.EndpointType ?? '')) continue;
        const server = await describeServer(transfer, summary.ServerId);
        if (!server) continue;
        const evidence = evidenceOf(server);
        ctx.found(server.EndpointDetails?.SecurityGroupIds, evidence);
        const endpointId = server.EndpointDetails?.VpcEndpointId;
        if (endpointId) byEndpoint.set(endpointId, evidence);
      }
    }
    await recordEndpointGroups(clients, byEndpoint, ctx);
  },
};

/**
 * Records the groups of the VPC endpoints in `byEndpoint`, each as the evidence given for it:
 * Transfer Family servers and web apps keep their groups on the endpoint they own.
 */
export async function recordEndpointGroups(clients: RegionClients, byEndpoint: ReadonlyMap<string, Evidence>, ctx: ScanContext): Promise<void> {
  const endpointIds = [...byEndpoint.keys()];
  if (endpointIds.length === 0) return;
  const ec2 = clients.get(EC2Client);
  for (const batch of chunks(endpointIds, EC2_FILTER_VALUES)) {
    // A filter, not VpcEndpointIds: an endpoint deleted since it was described must not fail the scan.
    const filter = { Name: 'vpc-endpoint-id', Values: batch };
    for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: 1000 }, { Filters: [filter] })) {
      for (const endpoint of page.VpcEndpoints ?? []) {
        const evidence = endpoint.VpcEndpointId ? byEndpoint.get(endpoint.VpcEndpointId) : undefined;
        if (evidence) ctx.found((endpoint.Groups ?? []).map((g) => g.GroupId), evidence);
      }
    }
  }
}

/** Describes one server; undefined only when it was deleted between ListServers and now. */
async function describeServer(transfer: TransferClient, serverId: string): Promise<DescribedServer | undefined> {
  try {
    return (await transfer.send(new DescribeServerCommand({ ServerId: serverId }))).Server;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
