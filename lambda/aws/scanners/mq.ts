import { DescribeBrokerCommand, MqClient, paginateListBrokers } from '@aws-sdk/client-mq';
import type { Scanner } from './types';
import { isNamed } from '../errors';


/**
 * Amazon MQ brokers. Broker summaries carry no groups, so each broker is described (no bulk
 * form); pending groups count too, since they take effect at the next reboot.
 */
export const mqScanner: Scanner = {
  source: 'mq',
  service: 'mq',
  covers: ['AWS::AmazonMQ::Broker'],
  actions: ['mq:ListBrokers', 'mq:DescribeBroker'],
  async scan(clients, _region, ctx) {
    const mq = clients.get(MqClient);
    for await (const page of paginateListBrokers({ client: mq, pageSize: 100 }, {})) {
      for (const summary of page.BrokerSummaries ?? []) {
        if (!summary.BrokerId) continue;
        let broker;
        try {
          broker = await mq.send(new DescribeBrokerCommand({ BrokerId: summary.BrokerId }));
        } catch (error) {
          // Only a broker deleted between ListBrokers and here is skipped.
          if (isNamed(error, 'NotFoundException')) continue;
          throw error;
        }
        const evidence = {
          resourceType: 'Amazon MQ broker',
          resourceId: broker.BrokerArn ?? summary.BrokerArn ?? summary.BrokerId,
          resourceName: broker.BrokerName ?? summary.BrokerName,
        };
        const state = [broker.EngineType, broker.BrokerState ? `state ${broker.BrokerState}` : undefined];
        ctx.found(broker.SecurityGroups, { ...evidence, detail: state.filter(Boolean).join(', ') });
        ctx.found(broker.PendingSecurityGroups, { ...evidence, detail: [...state, 'pending change'].filter(Boolean).join(', ') });
      }
    }
  },
};
