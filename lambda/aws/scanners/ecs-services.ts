import {
  DescribeCapacityProvidersCommand,
  DescribeServicesCommand,
  ECSClient,
  paginateListClusters,
  paginateListServices,
  type Failure,
  type Service,
} from '@aws-sdk/client-ecs';
import type { ScanContext, Scanner } from './types';
import { chunks } from '../../core/concurrency';
import { isNamed } from '../errors';

/** DescribeServices / DescribeCapacityProviders answered with failures other than MISSING. */
export class EcsDescribeFailureError extends Error {
  override readonly name = 'EcsDescribeFailureError';
  constructor(
    readonly operation: string,
    readonly failures: Failure[],
  ) {
    super(`${operation} failed for ${failures.map((f) => `${f.arn ?? '?'} (${f.reason ?? 'no reason'}${f.detail ? `: ${f.detail}` : ''})`).join(', ')}`);
  }
}

// DescribeServices takes at most 10 services per call (model doc).
const DESCRIBE_BATCH = 10;

/** The last part of an ECS ARN: the cluster or service name. */
function shortName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}


/**
 * MISSING means the resource was deleted between the listing and the describe: nothing to
 * protect. Every other failure leaves a resource unread, so the scan must fail (fail closed).
 */
function checkFailures(operation: string, failures: Failure[] | undefined): void {
  const real = (failures ?? []).filter((f) => f.reason !== 'MISSING');
  if (real.length > 0) throw new EcsDescribeFailureError(operation, real);
}

function reportService(service: Service, clusterName: string, ctx: ScanContext): void {
  const desired = service.desiredCount ?? 0;
  const base = [
    `cluster ${clusterName}`,
    service.status ? `status ${service.status}` : undefined,
    // No task runs, so no network interface shows the group: this listing is the only evidence.
    desired === 0 ? 'desiredCount 0 (no running tasks)' : `desiredCount ${desired}`,
    service.launchType ? `launchType ${service.launchType}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const evidence = {
    resourceType: 'ECS service',
    resourceId: service.serviceArn ?? service.serviceName ?? 'unknown',
    resourceName: service.serviceName,
  };
  ctx.found(service.networkConfiguration?.awsvpcConfiguration?.securityGroups, { ...evidence, detail: base });
  // During a rollout an old deployment or task set can still run tasks with other groups.
  for (const deployment of service.deployments ?? []) {
    ctx.found(deployment.networkConfiguration?.awsvpcConfiguration?.securityGroups, {
      ...evidence,
      detail: `${base}, deployment ${deployment.id ?? '?'} (${deployment.status ?? '?'}${deployment.rolloutState ? `, rollout ${deployment.rolloutState}` : ''})`,
    });
  }
  for (const taskSet of service.taskSets ?? []) {
    ctx.found(taskSet.networkConfiguration?.awsvpcConfiguration?.securityGroups, {
      ...evidence,
      detail: `${base}, task set ${taskSet.id ?? '?'} (${taskSet.status ?? '?'})`,
    });
  }
}

async function scanServices(ecs: ECSClient, clusterArn: string, ctx: ScanContext): Promise<void> {
  const clusterName = shortName(clusterArn);
  try {
    for await (const page of paginateListServices({ client: ecs, pageSize: 100 }, { cluster: clusterArn })) {
      const arns = page.serviceArns ?? [];
      for (const services of chunks(arns, DESCRIBE_BATCH)) {
        const out = await ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services }));
        for (const service of out.services ?? []) reportService(service, clusterName, ctx);
        checkFailures('DescribeServices', out.failures);
      }
    }
  } catch (error) {
    // Only a cluster deleted between ListClusters and here is skipped: it has no services left.
    if (isNamed(error, 'ClusterNotFoundException')) return;
    throw error;
  }
}

/** ECS Managed Instances capacity providers are cluster-scoped: listed only with `cluster`. */
async function scanCapacityProviders(ecs: ECSClient, clusterArn: string, ctx: ScanContext): Promise<void> {
  const clusterName = shortName(clusterArn);
  let nextToken: string | undefined;
  try {
    do {
      // No SDK v3 paginator for this operation: loop nextToken by hand (model maximum 10).
      const out = await ecs.send(new DescribeCapacityProvidersCommand({ cluster: clusterName, maxResults: 10, nextToken }));
      for (const provider of out.capacityProviders ?? []) {
        const groups = provider.managedInstancesProvider?.instanceLaunchTemplate?.networkConfiguration?.securityGroups;
        ctx.found(groups, {
          resourceType: 'ECS capacity provider',
          resourceId: provider.capacityProviderArn ?? provider.name ?? 'unknown',
          resourceName: provider.name,
          detail: [`Managed Instances, cluster ${clusterName}`, provider.status ? `status ${provider.status}` : undefined].filter(Boolean).join(', '),
        });
      }
      checkFailures('DescribeCapacityProviders', out.failures);
      nextToken = out.nextToken;
    } while (nextToken);
  } catch (error) {
    // As for services: only a cluster deleted mid-scan is skipped.
    if (isNamed(error, 'ClusterNotFoundException')) return;
    throw error;
  }
}

/**
 * Every ECS service of every cluster, desiredCount 0 included (no ENI shows those), with the
 * groups of its deployments and task sets, plus Managed Instances capacity providers.
 * No API lists services across clusters, hence the loop per cluster. An ECS Express Mode service
 * (AWS::ECS::ExpressGatewayService) is an ECS service in its cluster ("Resources created by Amazon
 * ECS Express Mode services", ECS developer guide), so its groups come with DescribeServices.
 */
export const ecsServicesScanner: Scanner = {
  source: 'ecs-services',
  service: 'ecs',
  covers: ['AWS::ECS::CapacityProvider', 'AWS::ECS::ExpressGatewayService', 'AWS::ECS::Service', 'AWS::ECS::TaskSet'],
  actions: ['ecs:ListClusters', 'ecs:ListServices', 'ecs:DescribeServices', 'ecs:DescribeCapacityProviders'],
  async scan(clients, _region, ctx) {
    const ecs = clients.get(ECSClient);
    for await (const page of paginateListClusters({ client: ecs, pageSize: 100 }, {})) {
      for (const clusterArn of page.clusterArns ?? []) {
        await scanServices(ecs, clusterArn, ctx);
        await scanCapacityProviders(ecs, clusterArn, ctx);
      }
    }
  },
};
