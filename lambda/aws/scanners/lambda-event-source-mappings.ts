import { LambdaClient, paginateListEventSourceMappings } from '@aws-sdk/client-lambda';
import type { Scanner } from './types';

// Confirmed in the Lambda API reference and botocore 1.43.11's model:
// - ListEventSourceMappings with neither FunctionName nor EventSourceArn lists every mapping of
//   the region; MaxItems 1-10000, but the service returns at most 100 per page (Marker/NextMarker).
// - SourceAccessConfigurations[] {Type, URI}: Type VPC_SECURITY_GROUP carries URI
//   `security_group:sg-...` (self-managed Apache Kafka in a VPC; VPC_SUBNET names the subnets).
// - No other field holds groups: Amazon MSK, Amazon MQ and DocumentDB mappings reach the source
//   through its own groups (their scanners read those), SelfManagedEventSource.Endpoints holds
//   broker addresses, AmazonManagedKafkaEventSourceConfig / SelfManagedKafkaEventSourceConfig hold
//   a consumer group id and a schema registry, ProvisionedPollerConfig holds poller counts.
// - IAM: lambda:ListEventSourceMappings.
const PAGE_SIZE = 100;
const URI_PREFIX = /^security_group:/i;

/** "billing-sync" from a function ARN (versions and aliases kept: `billing-sync:live`). */
function functionName(arn: string | undefined): string | undefined {
  const match = arn?.match(/:function:(.+)$/);
  return match?.[1] ?? arn;
}

/**
 * Lambda event source mappings that poll a self-managed Kafka cluster in a VPC with groups of
 * their own (SourceAccessConfigurations of type VPC_SECURITY_GROUP). A disabled mapping has no
 * poller network interface, yet enabling it again needs the group.
 */
export const lambdaEventSourceMappingsScanner: Scanner = {
  source: 'lambda-event-source-mappings',
  service: 'lambda',
  covers: ['place:lambda-event-source-mappings'],
  actions: ['lambda:ListEventSourceMappings'],
  async scan(clients, _region, ctx) {
    const lambda = clients.get(LambdaClient);
    for await (const page of paginateListEventSourceMappings({ client: lambda, pageSize: PAGE_SIZE }, {})) {
      for (const mapping of page.EventSourceMappings ?? []) {
        const groups = (mapping.SourceAccessConfigurations ?? [])
          .filter((access) => access.Type === 'VPC_SECURITY_GROUP')
          .map((access) => access.URI?.replace(URI_PREFIX, '').trim());
        const brokers = mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS;
        ctx.found(groups, {
          resourceType: 'Lambda event source mapping',
          resourceId: mapping.EventSourceMappingArn ?? mapping.UUID ?? 'unknown',
          resourceName: functionName(mapping.FunctionArn),
          detail: [
            mapping.State ? `state ${mapping.State}` : undefined,
            mapping.EventSourceArn ? `source ${mapping.EventSourceArn}` : brokers?.length ? `self-managed Kafka ${brokers.slice(0, 2).join(', ')}` : undefined,
          ]
            .filter(Boolean)
            .join(', '),
        });
      }
    }
  },
};
