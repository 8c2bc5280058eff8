import {
  DescribeReplicatorCommand,
  DescribeVpcConnectionCommand,
  KafkaClient,
  paginateListReplicators,
  paginateListVpcConnections,
  type DescribeReplicatorResponse,
  type DescribeVpcConnectionResponse,
} from '@aws-sdk/client-kafka';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the Amazon MSK API reference and botocore's model:
// - ListReplicators: MaxResults 1–100, NextToken; summaries have no VPC config, so each replicator
//   is read with DescribeReplicator(ReplicatorArn) -> KafkaClusters[].VpcConfig.SecurityGroupIds.
// - ListVpcConnections: MaxResults 1–100, NextToken; the client-side connections of multi-VPC
//   private connectivity in this account; summaries have no groups, so each is read with
//   DescribeVpcConnection(Arn) -> SecurityGroups[].
// - Errors: NotFoundException (deleted in between), ForbiddenException/UnauthorizedException.
// - IAM: kafka:ListReplicators, kafka:DescribeReplicator, kafka:ListVpcConnections,
//   kafka:DescribeVpcConnection.
// A source of its own, apart from `msk`: moto 5.2.1 serves ListClustersV2 but neither listing.
const PAGE_SIZE = 100;

/** MSK Replicators and MSK multi-VPC connections: each holds the groups it reaches clusters with. */
export const mskCrossVpcScanner: Scanner = {
  source: 'msk-cross-vpc',
  service: 'kafka',
  covers: ['AWS::MSK::Replicator', 'AWS::MSK::VpcConnection'],
  actions: ['kafka:ListReplicators', 'kafka:DescribeReplicator', 'kafka:ListVpcConnections', 'kafka:DescribeVpcConnection'],
  async scan(clients, _region, ctx) {
    const kafka = clients.get(KafkaClient);

    for await (const page of paginateListReplicators({ client: kafka, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.Replicators ?? []) {
        // Replicator references (IsReplicatorReference: ReplicatorResourceArn names the replicator
        // "in the region where the replicator was created") are described too: a cross-region
        // replicator's clusters include this region's, with this region's groups.
        if (!summary.ReplicatorArn) continue;
        const replicator = await describe<DescribeReplicatorResponse>(() => kafka.send(new DescribeReplicatorCommand({ ReplicatorArn: summary.ReplicatorArn })));
        for (const cluster of replicator?.KafkaClusters ?? []) {
          ctx.found(cluster.VpcConfig?.SecurityGroupIds, {
            resourceType: 'MSK Replicator',
            resourceId: summary.ReplicatorArn,
            resourceName: summary.ReplicatorName,
            detail: [summary.IsReplicatorReference ? 'reference' : undefined, cluster.KafkaClusterAlias ? `cluster ${cluster.KafkaClusterAlias}` : undefined, `state ${replicator?.ReplicatorState ?? summary.ReplicatorState ?? 'unknown'}`]
              .filter(Boolean)
              .join(', '),
          });
        }
      }
    }

    for await (const page of paginateListVpcConnections({ client: kafka, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.VpcConnections ?? []) {
        if (!summary.VpcConnectionArn) continue;
        const connection = await describe<DescribeVpcConnectionResponse>(() => kafka.send(new DescribeVpcConnectionCommand({ Arn: summary.VpcConnectionArn })));
        ctx.found(connection?.SecurityGroups, {
          resourceType: 'MSK VPC connection',
          resourceId: summary.VpcConnectionArn,
          detail: [`cluster ${summary.TargetClusterArn ?? '?'}`, `state ${connection?.State ?? summary.State ?? 'unknown'}`].join(', '),
        });
      }
    }
  },
};

/** One describe call; undefined only when the resource was deleted between its listing and now. */
async function describe<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNamed(error, 'NotFoundException')) return undefined;
    throw error;
  }
}
