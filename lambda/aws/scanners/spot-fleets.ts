import { EC2Client, paginateDescribeSpotFleetRequests } from '@aws-sdk/client-ec2';
import { groupIdentifierIds, isLiveSpotFleet } from './launch-templates';
import type { Scanner } from './types';

/** Spot Fleet requests: the groups of their launch specifications (launch templates are read by launch-templates). */
export const spotFleetsScanner: Scanner = {
  source: 'spot-fleets',
  service: 'ec2',
  actions: ['ec2:DescribeSpotFleetRequests'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeSpotFleetRequests({ client: ec2, pageSize: 1000 }, {})) {
      for (const fleet of page.SpotFleetRequestConfigs ?? []) {
        if (!isLiveSpotFleet(fleet.SpotFleetRequestState)) continue;
        const specs = fleet.SpotFleetRequestConfig?.LaunchSpecifications ?? [];
        const ids = specs.flatMap((spec) => [
          ...groupIdentifierIds(ctx.groups, spec.SecurityGroups),
          ...(spec.NetworkInterfaces ?? []).flatMap((eni) => eni.Groups ?? []),
        ]);
        ctx.found(ids, {
          resourceType: 'Spot Fleet request',
          resourceId: fleet.SpotFleetRequestId ?? 'sfr-?',
          detail: `state ${fleet.SpotFleetRequestState ?? 'unknown'}`,
        });
      }
    }
  },
};
