import { groupIdentifierIds, isLiveSpotFleet } from './launch-templates';
import { SPOT_FLEET_REQUESTS } from './shared-listings';
import type { Scanner } from './types';

/** Spot Fleet requests: the groups of their launch specifications (launch templates are read by launch-templates, from the same shared listing). */
export const spotFleetsScanner: Scanner = {
  source: 'spot-fleets',
  service: 'ec2',
  covers: ['AWS::EC2::SpotFleet'],
  actions: ['ec2:DescribeSpotFleetRequests'],
  async scan(_clients, _region, ctx) {
    for await (const page of ctx.shared(SPOT_FLEET_REQUESTS)) {
      for (const fleet of page) {
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
