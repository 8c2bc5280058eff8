import { IoTClient, paginateListTopicRuleDestinations } from '@aws-sdk/client-iot';
import { groupRefsIn } from './group-fields';
import type { Scanner } from './types';

// AWS IoT Core API reference and botocore 1.43.11's model:
// - ListTopicRuleDestinations: maxResults 1–1000, nextToken; destinationSummaries[].vpcDestinationSummary.securityGroups
//   (the list carries them: no GetTopicRuleDestination). A DISABLED destination keeps its groups.
// - IAM: iot:ListTopicRuleDestinations.

/** IoT Core VPC topic-rule destinations. */
export const iotTopicRuleDestinationsScanner: Scanner = {
  source: 'iot-topic-rule-destinations',
  service: 'iot',
  covers: ['AWS::IoT::TopicRuleDestination'],
  actions: ['iot:ListTopicRuleDestinations'],
  async scan(clients, _region, ctx) {
    const iot = clients.get(IoTClient);
    for await (const page of paginateListTopicRuleDestinations({ client: iot, pageSize: 1000 }, {})) {
      for (const destination of page.destinationSummaries ?? []) {
        ctx.found(groupRefsIn(destination.vpcDestinationSummary), {
          resourceType: 'IoT topic rule destination',
          resourceId: destination.arn ?? 'destination-?',
          detail: `status ${destination.status ?? 'unknown'}${destination.vpcDestinationSummary?.vpcId ? `, ${destination.vpcDestinationSummary.vpcId}` : ''}`,
        });
      }
    }
  },
};
