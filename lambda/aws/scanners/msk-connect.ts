import { KafkaConnectClient, paginateListConnectors } from '@aws-sdk/client-kafkaconnect';
import type { Scanner } from './types';

/** MSK Connect connectors: the listing already carries each connector's VPC groups. */
export const mskConnectScanner: Scanner = {
  source: 'msk-connect',
  service: 'kafkaconnect',
  covers: ['AWS::KafkaConnect::Connector'],
  actions: ['kafkaconnect:ListConnectors'],
  async scan(clients, _region, ctx) {
    const kafkaconnect = clients.get(KafkaConnectClient);
    for await (const page of paginateListConnectors({ client: kafkaconnect, pageSize: 100 }, {})) {
      for (const connector of page.connectors ?? []) {
        ctx.found(connector.kafkaCluster?.apacheKafkaCluster?.vpc?.securityGroups, {
          resourceType: 'MSK Connect connector',
          resourceId: connector.connectorArn ?? connector.connectorName ?? 'connector-?',
          resourceName: connector.connectorName,
          detail: `state ${connector.connectorState ?? 'unknown'}`,
        });
      }
    }
  },
};
