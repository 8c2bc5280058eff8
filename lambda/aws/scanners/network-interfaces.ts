import type { NetworkInterface } from '@aws-sdk/client-ec2';
import { networkInterfacesOf } from './shared-listings';
import type { Evidence, Scanner } from './types';

/** Names the owner of an ENI from its type, requester, attachment and description. */
export function describeEni(eni: NetworkInterface): Evidence {
  const id = eni.NetworkInterfaceId ?? 'eni-?';
  const description = eni.Description?.trim();
  const owner =
    eni.Attachment?.InstanceId
      ? `instance ${eni.Attachment.InstanceId}`
      : eni.InterfaceType && eni.InterfaceType !== 'interface'
        ? eni.InterfaceType
        : eni.RequesterManaged && eni.RequesterId
          ? `managed by ${eni.RequesterId}`
          : undefined;
  const parts = [owner, description ? `"${description}"` : undefined, `status ${eni.Status ?? 'unknown'}`];
  return {
    resourceType: 'network interface',
    resourceId: id,
    detail: parts.filter(Boolean).join(', '),
  };
}

/** The ground truth for attachment: every ENI of the region, AWS-managed ones included (a listing shared with efs). */
export const networkInterfacesScanner: Scanner = {
  source: 'network-interfaces',
  service: 'ec2',
  covers: ['AWS::EC2::NetworkInterface'],
  actions: ['ec2:DescribeNetworkInterfaces'],
  async scan(_clients, _region, ctx) {
    for await (const page of ctx.shared(networkInterfacesOf(ctx.groups))) {
      for (const eni of page) {
        ctx.found(
          (eni.Groups ?? []).map((g) => g.GroupId),
          describeEni(eni),
        );
      }
    }
  },
};
