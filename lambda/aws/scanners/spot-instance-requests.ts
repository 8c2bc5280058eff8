import { EC2Client, paginateDescribeSpotInstanceRequests } from '@aws-sdk/client-ec2';
import { groupIdentifierIds } from './launch-templates';
import type { Scanner } from './types';

// Cancelled, closed and failed requests will never launch again (a persistent request that is
// cancelled stops relaunching; a closed one was fulfilled or expired), so their launch
// specification no longer uses the group; any instance they left is seen by ec2-instances.
// `disabled` (the instance was stopped) restarts with the same specification, so it counts.
const FINISHED_STATES = new Set<string>(['cancelled', 'closed', 'failed']);

/** Open and active Spot Instance requests: the groups of their launch specifications. */
export const spotInstanceRequestsScanner: Scanner = {
  source: 'spot-instance-requests',
  service: 'ec2',
  covers: ['place:spot-instance-requests'],
  actions: ['ec2:DescribeSpotInstanceRequests'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeSpotInstanceRequests({ client: ec2, pageSize: 1000 }, {})) {
      for (const request of page.SpotInstanceRequests ?? []) {
        if (request.State && FINISHED_STATES.has(request.State)) continue;
        const spec = request.LaunchSpecification;
        const ids = [
          ...groupIdentifierIds(ctx.groups, spec?.SecurityGroups),
          ...(spec?.NetworkInterfaces ?? []).flatMap((eni) => eni.Groups ?? []),
        ];
        const detail = [`state ${request.State ?? 'unknown'}`, request.InstanceId ? `instance ${request.InstanceId}` : undefined];
        ctx.found(ids, {
          resourceType: 'Spot Instance request',
          resourceId: request.SpotInstanceRequestId ?? 'sir-?',
          detail: detail.filter(Boolean).join(', '),
        });
      }
    }
  },
};
