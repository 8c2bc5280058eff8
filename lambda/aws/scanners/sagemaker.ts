import {
  DescribeClusterCommand,
  DescribeDomainCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeUserProfileCommand,
  SageMakerClient,
  paginateListClusters,
  paginateListDomains,
  paginateListModels,
  paginateListNotebookInstances,
  paginateListUserProfiles,
  paginateListWorkforces,
} from '@aws-sdk/client-sagemaker';
import type { Scanner } from './types';

const PAGE_SIZE = 100;

/**
 * SageMaker's code for a resource that does not exist. A domain, user profile or HyperPod cluster
 * deleted between its listing and its Describe holds no group, so only this code is skipped; the
 * notebook and model Describes model no such code (they answer ValidationException), so for them
 * every error fails the scan.
 */
function isGone(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFound';
}

async function unlessGone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/**
 * Notebook instances, Studio domains and user profiles, models, HyperPod clusters and private
 * workforces. Only ListWorkforces carries the groups itself: every other List returns summaries
 * without them and SageMaker has no batch Describe, so one Describe per resource is unavoidable
 * (SOURCES.md). Stopped notebooks and idle models are reported too: they keep the groups in their
 * configuration and use them again when started or deployed.
 */
export const sagemakerScanner: Scanner = {
  source: 'sagemaker',
  service: 'sagemaker',
  actions: [
    'sagemaker:ListNotebookInstances',
    'sagemaker:DescribeNotebookInstance',
    'sagemaker:ListDomains',
    'sagemaker:DescribeDomain',
    'sagemaker:ListUserProfiles',
    'sagemaker:DescribeUserProfile',
    'sagemaker:ListModels',
    'sagemaker:DescribeModel',
    'sagemaker:ListClusters',
    'sagemaker:DescribeCluster',
    'sagemaker:ListWorkforces',
  ],
  async scan(clients, _region, ctx) {
    const sm = clients.get(SageMakerClient);
    const paging = { client: sm, pageSize: PAGE_SIZE };

    for await (const page of paginateListNotebookInstances(paging, {})) {
      for (const summary of page.NotebookInstances ?? []) {
        if (!summary.NotebookInstanceName) continue;
        const nb = await sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: summary.NotebookInstanceName }));
        ctx.found(nb.SecurityGroups, {
          resourceType: 'SageMaker notebook instance',
          resourceId: nb.NotebookInstanceArn ?? summary.NotebookInstanceArn ?? summary.NotebookInstanceName,
          resourceName: summary.NotebookInstanceName,
          detail: `status ${nb.NotebookInstanceStatus ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListDomains(paging, {})) {
      for (const summary of page.Domains ?? []) {
        if (!summary.DomainId) continue;
        const domain = await unlessGone(sm.send(new DescribeDomainCommand({ DomainId: summary.DomainId })));
        if (!domain) continue;
        const base = {
          resourceType: 'SageMaker domain',
          resourceId: domain.DomainArn ?? summary.DomainArn ?? summary.DomainId,
          ...(domain.DomainName ? { resourceName: domain.DomainName } : {}),
        };
        const status = `status ${domain.Status ?? 'unknown'}`;
        ctx.found(domain.DomainSettings?.SecurityGroupIds, { ...base, detail: `${status}, domain settings` });
        ctx.found(domain.DefaultUserSettings?.SecurityGroups, { ...base, detail: `${status}, default user settings` });
        ctx.found(domain.DefaultSpaceSettings?.SecurityGroups, { ...base, detail: `${status}, default space settings` });
        ctx.found([domain.SecurityGroupIdForDomainBoundary], { ...base, detail: `${status}, domain boundary group (created by SageMaker)` });
      }
    }

    // One account-wide listing (no DomainIdEquals), so no loop per domain.
    for await (const page of paginateListUserProfiles(paging, {})) {
      for (const summary of page.UserProfiles ?? []) {
        if (!summary.DomainId || !summary.UserProfileName) continue;
        const profile = await unlessGone(
          sm.send(new DescribeUserProfileCommand({ DomainId: summary.DomainId, UserProfileName: summary.UserProfileName })),
        );
        if (!profile) continue;
        ctx.found(profile.UserSettings?.SecurityGroups, {
          resourceType: 'SageMaker user profile',
          resourceId: profile.UserProfileArn ?? `${summary.DomainId}/${summary.UserProfileName}`,
          resourceName: summary.UserProfileName,
          detail: `domain ${summary.DomainId}, status ${profile.Status ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListModels(paging, {})) {
      for (const summary of page.Models ?? []) {
        if (!summary.ModelName) continue;
        const model = await sm.send(new DescribeModelCommand({ ModelName: summary.ModelName }));
        ctx.found(model.VpcConfig?.SecurityGroupIds, {
          resourceType: 'SageMaker model',
          resourceId: model.ModelArn ?? summary.ModelArn ?? summary.ModelName,
          resourceName: summary.ModelName,
        });
      }
    }

    for await (const page of paginateListClusters(paging, {})) {
      for (const summary of page.ClusterSummaries ?? []) {
        if (!summary.ClusterName) continue;
        const cluster = await unlessGone(sm.send(new DescribeClusterCommand({ ClusterName: summary.ClusterArn ?? summary.ClusterName })));
        if (!cluster) continue;
        const base = {
          resourceType: 'SageMaker HyperPod cluster',
          resourceId: cluster.ClusterArn ?? summary.ClusterArn ?? summary.ClusterName,
          resourceName: cluster.ClusterName ?? summary.ClusterName,
        };
        const status = `status ${cluster.ClusterStatus ?? 'unknown'}`;
        ctx.found(cluster.VpcConfig?.SecurityGroupIds, { ...base, detail: status });
        for (const group of [...(cluster.InstanceGroups ?? []), ...(cluster.RestrictedInstanceGroups ?? [])]) {
          ctx.found(group.OverrideVpcConfig?.SecurityGroupIds, {
            ...base,
            detail: `${status}, instance group ${group.InstanceGroupName ?? '?'}`,
          });
        }
      }
    }

    for await (const page of paginateListWorkforces(paging, {})) {
      for (const workforce of page.Workforces ?? []) {
        ctx.found(workforce.WorkforceVpcConfig?.SecurityGroupIds, {
          resourceType: 'SageMaker workforce',
          resourceId: workforce.WorkforceArn ?? workforce.WorkforceName ?? 'workforce-?',
          ...(workforce.WorkforceName ? { resourceName: workforce.WorkforceName } : {}),
          detail: `status ${workforce.Status ?? 'unknown'}`,
        });
      }
    }
  },
};
