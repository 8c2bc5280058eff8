import type { ComputeEnvironmentDetail } from '@aws-sdk/client-batch';
import { BATCH_COMPUTE_ENVIRONMENTS } from './shared-listings';
import type { Evidence, Scanner } from './types';

function describeEnvironment(env: ComputeEnvironmentDetail): Evidence {
  const template = env.computeResources?.launchTemplate;
  const templateRef = template ? template.launchTemplateId ?? template.launchTemplateName : undefined;
  const parts = [
    env.computeResources?.type,
    env.state ? `state ${env.state}` : undefined,
    env.status ? `status ${env.status}` : undefined,
    // The template's own groups are the launch-templates scanner's; naming it helps the reviewer.
    templateRef ? `launch template ${templateRef} version ${template?.version ?? '$Default'}` : undefined,
  ];
  return {
    resourceType: 'Batch compute environment',
    resourceId: env.computeEnvironmentArn ?? env.computeEnvironmentName ?? 'compute-environment-?',
    ...(env.computeEnvironmentName ? { resourceName: env.computeEnvironmentName } : {}),
    detail: parts.filter(Boolean).join(', '),
  };
}

/**
 * Managed Batch compute environments, DISABLED ones included: they keep their groups and launch
 * instances with them as soon as they are enabled. Unmanaged environments have no computeResources.
 * ECS Managed Instances environments hold theirs in computeResources.managedInstancesProvider.
 * The listing is shared with launch-templates, which reads the environments' launch templates.
 */
export const batchScanner: Scanner = {
  source: 'batch',
  service: 'batch',
  covers: ['AWS::Batch::ComputeEnvironment'],
  actions: ['batch:DescribeComputeEnvironments'],
  async scan(_clients, _region, ctx) {
    for await (const page of ctx.shared(BATCH_COMPUTE_ENVIRONMENTS)) {
      for (const env of page) {
        const resources = env.computeResources;
        // ECS_MANAGED_INSTANCES environments name their groups in the managed instances provider.
        const managed = resources?.managedInstancesProvider?.instanceLaunchTemplate?.networkConfiguration?.securityGroups;
        ctx.found([...(resources?.securityGroupIds ?? []), ...(managed ?? [])], describeEnvironment(env));
      }
    }
  },
};
