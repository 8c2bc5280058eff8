import { AutoScalingClient, paginateDescribeLaunchConfigurations } from '@aws-sdk/client-auto-scaling';
import { resolveGroupRefs } from './launch-templates';
import type { Scanner } from './types';

/**
 * Auto Scaling launch configurations. VPC configurations hold group ids; older default-VPC ones
 * may hold names, which are resolved against the inventory (every group of that name).
 */
export const launchConfigurationsScanner: Scanner = {
  source: 'launch-configurations',
  service: 'autoscaling',
  covers: ['AWS::AutoScaling::LaunchConfiguration'],
  actions: ['autoscaling:DescribeLaunchConfigurations'],
  async scan(clients, _region, ctx) {
    const autoscaling = clients.get(AutoScalingClient);
    for await (const page of paginateDescribeLaunchConfigurations({ client: autoscaling, pageSize: 100 }, {})) {
      for (const config of page.LaunchConfigurations ?? []) {
        // ClassicLink is retired, but a leftover configuration still names the group.
        const refs = [...(config.SecurityGroups ?? []), ...(config.ClassicLinkVPCSecurityGroups ?? [])];
        ctx.found(resolveGroupRefs(ctx.groups, refs), {
          resourceType: 'launch configuration',
          resourceId: config.LaunchConfigurationARN ?? config.LaunchConfigurationName ?? '?',
          ...(config.LaunchConfigurationName ? { resourceName: config.LaunchConfigurationName } : {}),
        });
      }
    }
  },
};
