import { MediaLiveClient, paginateListChannels } from '@aws-sdk/client-medialive';
import type { Scanner } from './types';

// Confirmed in the AWS Elemental MediaLive API reference and botocore's model:
// - ListChannels: MaxResults (no range in the model: not passed, the service pages), NextToken;
//   ChannelSummary.Vpc.{SecurityGroupIds, SubnetIds, NetworkInterfaceIds} for channels that
//   deliver output through a VPC, whatever the channel's state.
// - ChannelSummary.ChannelSecurityGroups and Input.SecurityGroups are MediaLive *input* security
//   groups (MediaLive's own allow-lists with numeric ids), not EC2 groups: not read.
// - IAM: medialive:ListChannels.
// AWS::MediaLive::Input's Vpc.SecurityGroupIds are not returned by any read call: the input's
// interfaces hold them (the coverage ledger says so).

/** AWS Elemental MediaLive channels with VPC outputs: an idle channel keeps its groups. */
export const medialiveScanner: Scanner = {
  source: 'medialive',
  service: 'medialive',
  covers: ['AWS::MediaLive::Channel'],
  actions: ['medialive:ListChannels'],
  async scan(clients, _region, ctx) {
    const medialive = clients.get(MediaLiveClient);
    for await (const page of paginateListChannels({ client: medialive }, {})) {
      for (const channel of page.Channels ?? []) {
        ctx.found(channel.Vpc?.SecurityGroupIds, {
          resourceType: 'MediaLive channel',
          resourceId: channel.Arn ?? channel.Id ?? 'unknown',
          resourceName: channel.Name,
          detail: `state ${channel.State ?? 'unknown'}`,
        });
      }
    }
  },
};
