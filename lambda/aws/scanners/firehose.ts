import { DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand, type DestinationDescription } from '@aws-sdk/client-firehose';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Amazon Data Firehose API reference and botocore 1.43.11's model (no SDK paginators):
// - ListDeliveryStreams: Limit 1–10000, ExclusiveStartDeliveryStreamName; DeliveryStreamNames[],
//   HasMoreDeliveryStreams. No DeliveryStreamType = every type.
// - DescribeDeliveryStream(DeliveryStreamName, Limit 1–10000, ExclusiveStartDestinationId):
//   DeliveryStreamDescription.Destinations[].{Elasticsearch,Amazonopensearchservice,
//   AmazonOpenSearchServerless}DestinationDescription.VpcConfigurationDescription.SecurityGroupIds;
//   HasMoreDestinations. The list has names only: one Describe per stream.
// - IAM: firehose:ListDeliveryStreams, firehose:DescribeDeliveryStream.
const LIMIT = 10_000;

/** Firehose streams that deliver into an OpenSearch domain or collection inside a VPC. */
export const firehoseScanner: Scanner = {
  source: 'firehose',
  service: 'firehose',
  covers: ['AWS::KinesisFirehose::DeliveryStream'],
  actions: ['firehose:ListDeliveryStreams', 'firehose:DescribeDeliveryStream'],
  async scan(clients, _region, ctx) {
    const firehose = clients.get(FirehoseClient);
    let start: string | undefined;
    for (;;) {
      const page = await firehose.send(new ListDeliveryStreamsCommand({ Limit: LIMIT, ...(start ? { ExclusiveStartDeliveryStreamName: start } : {}) }));
      const names = page.DeliveryStreamNames ?? [];
      for (const name of names) {
        const destinations: DestinationDescription[] = [];
        let status: string | undefined;
        let arn: string | undefined;
        let destinationStart: string | undefined;
        for (;;) {
          const described = await unlessGone(() =>
            firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name, Limit: LIMIT, ...(destinationStart ? { ExclusiveStartDestinationId: destinationStart } : {}) })),
          );
          const description = described?.DeliveryStreamDescription;
          if (!description) break;
          status = description.DeliveryStreamStatus;
          arn = description.DeliveryStreamARN;
          destinations.push(...(description.Destinations ?? []));
          destinationStart = description.Destinations?.at(-1)?.DestinationId;
          if (!description.HasMoreDestinations || !destinationStart) break;
        }
        ctx.found(groupRefsIn(destinations), {
          resourceType: 'Firehose stream',
          resourceId: arn ?? name,
          resourceName: name,
          detail: `status ${status ?? 'unknown'}`,
        });
      }
      if (!page.HasMoreDeliveryStreams || names.length === 0) break;
      start = names.at(-1);
    }
  },
};
