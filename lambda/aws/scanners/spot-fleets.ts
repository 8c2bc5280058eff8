import { EC2Client, paginateDescribeSpotFleetRequests, type BatchState } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

// A cancelled or failed request has no instances and launches none. The cancelled_running and
// cancelled_terminating states still have instances, so they still count.
const DEAD_STATES = new Set<string>(['cancelled', 'failed']);

/** Whether a Spot Fleet request can still launch or run instances with its configuration. */
export function isLiveSpotFleet(state: BatchState | string | undefined): boolean {
  return !state || !DEAD_STATES.has(state);
}

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
          ...(spec.SecurityGroups ?? []).map((g) => g.GroupId),
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
