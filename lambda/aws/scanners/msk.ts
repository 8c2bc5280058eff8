import { KafkaClient, paginateListClustersV2 } from '@aws-sdk/client-kafka';
import type { Scanner } from './types';

/**
 * Amazon MSK provisioned and serverless clusters. (moto 5.2.1 returns `creationTime` without a
 * UTC offset, which SDK v3 cannot parse once a cluster exists: this scanner is unit-tested with
 * mocks only.)
 */
export const mskScanner: Scanner = {
  source: 'msk',
  service: 'kafka',
  covers: ['AWS::MSK::Cluster', 'AWS::MSK::ServerlessCluster'],
  actions: ['kafka:ListClustersV2'],
  async scan(clients, _region, ctx) {
    const kafka = clients.get(KafkaClient);
    for await (const page of paginateListClustersV2({ client: kafka, pageSize: 100 }, {})) {
      for (const cluster of page.ClusterInfoList ?? []) {
        const groups = [
          ...(cluster.Provisioned?.BrokerNodeGroupInfo?.SecurityGroups ?? []),
          ...(cluster.Serverless?.VpcConfigs ?? []).flatMap((vpc) => vpc.SecurityGroupIds ?? []),
        ];
        ctx.found(groups, {
          resourceType: 'MSK cluster',
          resourceId: cluster.ClusterArn ?? cluster.ClusterName ?? 'unknown',
          resourceName: cluster.ClusterName,
          detail: [cluster.ClusterType, cluster.State ? `state ${cluster.State}` : undefined].filter(Boolean).join(', '),
        });
      }
    }
  },
};
