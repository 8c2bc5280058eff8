import { EC2Client, paginateDescribeInstances, type Instance } from '@aws-sdk/client-ec2';
import type { Evidence, Scanner } from './types';

// Terminated instances keep their groups in the listing for about an hour but hold nothing.
// A shutting-down instance still has its network interfaces, so its groups still block
// deletion until it is terminated; a stopped instance still needs its groups to start.
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

function describeInstance(instance: Instance): Evidence {
  const name = instance.Tags?.find((t) => t.Key === 'Name')?.Value;
  const managedBy = instance.Operator?.Managed ? instance.Operator.Principal : undefined;
  const detail = [instance.State?.Name ?? 'state unknown', managedBy ? `managed by ${managedBy}` : undefined];
  return {
    resourceType: 'EC2 instance',
    resourceId: instance.InstanceId ?? 'i-?',
    ...(name ? { resourceName: name } : {}),
    detail: detail.filter(Boolean).join(', '),
  };
}

/** Every instance that is not terminated, through its own groups and its network interfaces' groups. */
export const ec2InstancesScanner: Scanner = {
  source: 'ec2-instances',
  service: 'ec2',
  covers: ['AWS::EC2::Instance'],
  actions: ['ec2:DescribeInstances'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    const pages = paginateDescribeInstances(
      { client: ec2, pageSize: 1000 },
      { IncludeManagedResources: true, Filters: [{ Name: 'instance-state-name', Values: LIVE_STATES }] },
    );
    for await (const page of pages) {
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const ids = [
            ...(instance.SecurityGroups ?? []).map((g) => g.GroupId),
            ...(instance.NetworkInterfaces ?? []).flatMap((eni) => (eni.Groups ?? []).map((g) => g.GroupId)),
          ];
          ctx.found(ids, describeInstance(instance));
        }
      }
    }
  },
};
