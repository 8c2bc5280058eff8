import {
  DescribeClusterCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeDomainCommand,
  DescribeEndpointConfigCommand,
  DescribeModelBiasJobDefinitionCommand,
  DescribeModelCommand,
  DescribeModelExplainabilityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeNotebookInstanceCommand,
  DescribeProcessingJobCommand,
  DescribeUserProfileCommand,
  SageMakerClient,
  paginateListClusters,
  paginateListDataQualityJobDefinitions,
  paginateListDomains,
  paginateListEndpointConfigs,
  paginateListModelBiasJobDefinitions,
  paginateListModelExplainabilityJobDefinitions,
  paginateListModelQualityJobDefinitions,
  paginateListModels,
  paginateListMonitoringSchedules,
  paginateListNotebookInstances,
  paginateListProcessingJobs,
  paginateListUserProfiles,
  paginateListWorkforces,
  type MonitoringJobDefinitionSummary,
  type MonitoringNetworkConfig,
  type SageMakerPaginationConfiguration,
} from '@aws-sdk/client-sagemaker';
import type { ScanContext, Scanner } from './types';
import { isNamed } from '../errors';

const PAGE_SIZE = 100;

/**
 * SageMaker's code for a resource that does not exist. A domain, user profile, HyperPod cluster,
 * monitoring schedule or monitoring job definition deleted between its listing and its Describe
 * holds no group, so only this code is skipped; the notebook, model and endpoint config Describes
 * model no such code (they answer ValidationException), so for them every error fails the scan.
 */
function isGone(error: unknown): boolean {
  return isNamed(error, 'ResourceNotFound');
}

async function unlessGone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** A monitoring schedule names a job definition of a type this scanner cannot list: its groups are unknown. */
export class UnreadableMonitoringJobDefinitionError extends Error {
  override readonly name = 'UnreadableMonitoringJobDefinitionError';
  constructor(
    readonly scheduleName: string,
    readonly monitoringType: string,
  ) {
    super(`monitoring schedule ${scheduleName} references a ${monitoringType} job definition, which the sagemaker scanner does not read`);
  }
}

interface JobDefinitionPage {
  JobDefinitionSummaries?: MonitoringJobDefinitionSummary[] | undefined;
}

interface JobDefinitionDescription {
  JobDefinitionArn?: string | undefined;
  NetworkConfig?: MonitoringNetworkConfig | undefined;
}

/** One of the four named monitoring job definition APIs, which share a shape but not a type. */
interface JobDefinitionKind {
  monitoringType: string;
  resourceType: string;
  list(paging: SageMakerPaginationConfiguration): AsyncIterable<JobDefinitionPage>;
  describe(sm: SageMakerClient, name: string): Promise<JobDefinitionDescription>;
}

const JOB_DEFINITION_KINDS: readonly JobDefinitionKind[] = [
  {
    monitoringType: 'DataQuality',
    resourceType: 'SageMaker data quality job definition',
    list: (paging) => paginateListDataQualityJobDefinitions(paging, {}),
    describe: (sm, name) => sm.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
  {
    monitoringType: 'ModelQuality',
    resourceType: 'SageMaker model quality job definition',
    list: (paging) => paginateListModelQualityJobDefinitions(paging, {}),
    describe: (sm, name) => sm.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
  {
    monitoringType: 'ModelBias',
    resourceType: 'SageMaker model bias job definition',
    list: (paging) => paginateListModelBiasJobDefinitions(paging, {}),
    describe: (sm, name) => sm.send(new DescribeModelBiasJobDefinitionCommand({ JobDefinitionName: name })),
  },
  {
    monitoringType: 'ModelExplainability',
    resourceType: 'SageMaker model explainability job definition',
    list: (paging) => paginateListModelExplainabilityJobDefinitions(paging, {}),
    describe: (sm, name) => sm.send(new DescribeModelExplainabilityJobDefinitionCommand({ JobDefinitionName: name })),
  },
];

/** A schedule that runs a job definition by name; the type is absent on some responses. */
interface JobDefinitionReference {
  scheduleName: string;
  definitionName: string;
  monitoringType?: string;
}

/**
 * Model monitor schedules: an inline job definition carries its groups in the schedule itself;
 * a named one is read with the job definitions. Returns the named references, for evidence.
 */
async function scanMonitoringSchedules(sm: SageMakerClient, paging: SageMakerPaginationConfiguration, ctx: ScanContext): Promise<JobDefinitionReference[]> {
  const references: JobDefinitionReference[] = [];
  for await (const page of paginateListMonitoringSchedules(paging, {})) {
    for (const summary of page.MonitoringScheduleSummaries ?? []) {
      if (!summary.MonitoringScheduleName) continue;
      const schedule = await unlessGone(sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: summary.MonitoringScheduleName })));
      if (!schedule) continue;
      const config = schedule.MonitoringScheduleConfig;
      const endpoint = schedule.EndpointName ?? summary.EndpointName;
      ctx.found(config?.MonitoringJobDefinition?.NetworkConfig?.VpcConfig?.SecurityGroupIds, {
        resourceType: 'SageMaker monitoring schedule',
        resourceId: schedule.MonitoringScheduleArn ?? summary.MonitoringScheduleArn ?? summary.MonitoringScheduleName,
        resourceName: summary.MonitoringScheduleName,
        detail: `status ${schedule.MonitoringScheduleStatus ?? 'unknown'}${endpoint ? `, endpoint ${endpoint}` : ''}, inline job definition`,
      });
      const definitionName = config?.MonitoringJobDefinitionName;
      if (!definitionName) continue;
      const monitoringType = config.MonitoringType ?? schedule.MonitoringType;
      // Only the four listed kinds are read below; a new kind would leave its groups unseen.
      if (monitoringType && !JOB_DEFINITION_KINDS.some((kind) => kind.monitoringType === monitoringType)) {
        throw new UnreadableMonitoringJobDefinitionError(summary.MonitoringScheduleName, monitoringType);
      }
      references.push({ scheduleName: summary.MonitoringScheduleName, definitionName, ...(monitoringType ? { monitoringType } : {}) });
    }
  }
  return references;
}

/**
 * Every named job definition, referenced or not: one no schedule uses today can be scheduled
 * tomorrow with its groups, so it counts as configuration in use (safe side).
 */
async function scanJobDefinitions(
  sm: SageMakerClient,
  paging: SageMakerPaginationConfiguration,
  ctx: ScanContext,
  references: readonly JobDefinitionReference[],
): Promise<void> {
  for (const kind of JOB_DEFINITION_KINDS) {
    for await (const page of kind.list(paging)) {
      for (const summary of page.JobDefinitionSummaries ?? []) {
        const name = summary.MonitoringJobDefinitionName;
        if (!name) continue;
        const definition = await unlessGone(kind.describe(sm, name));
        if (!definition) continue;
        const schedules = references
          .filter((ref) => ref.definitionName === name && (ref.monitoringType ?? kind.monitoringType) === kind.monitoringType)
          .map((ref) => ref.scheduleName);
        const use = schedules.length > 0 ? `used by monitoring schedule ${schedules.join(', ')}` : 'not referenced by any monitoring schedule';
        ctx.found(definition.NetworkConfig?.VpcConfig?.SecurityGroupIds, {
          resourceType: kind.resourceType,
          resourceId: definition.JobDefinitionArn ?? summary.MonitoringJobDefinitionArn ?? name,
          resourceName: name,
          detail: `${summary.EndpointName ? `endpoint ${summary.EndpointName}, ` : ''}${use}`,
        });
      }
    }
  }
}

/** Endpoint configs: an endpoint update or auto-scaling launches instances from them. */
async function scanEndpointConfigs(sm: SageMakerClient, paging: SageMakerPaginationConfiguration, ctx: ScanContext): Promise<void> {
  for await (const page of paginateListEndpointConfigs(paging, {})) {
    for (const summary of page.EndpointConfigs ?? []) {
      if (!summary.EndpointConfigName) continue;
      const config = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: summary.EndpointConfigName }));
      const models = (config.ProductionVariants ?? []).flatMap((variant) => (variant.ModelName ? [variant.ModelName] : []));
      ctx.found(config.VpcConfig?.SecurityGroupIds, {
        resourceType: 'SageMaker endpoint config',
        resourceId: config.EndpointConfigArn ?? summary.EndpointConfigArn ?? summary.EndpointConfigName,
        resourceName: summary.EndpointConfigName,
        ...(models.length > 0 ? { detail: `model ${models.join(', ')}` } : {}),
      });
    }
  }
}

/**
 * Processing jobs not yet ended: one in progress names its groups before (and while) its
 * interfaces exist. ListProcessingJobs (MaxResults 1–100, NextToken, StatusEquals InProgress |
 * Completed | Failed | Stopping | Stopped) carries no network config, so one
 * DescribeProcessingJob per live job: NetworkConfig.VpcConfig.SecurityGroupIds.
 */
async function scanProcessingJobs(sm: SageMakerClient, paging: SageMakerPaginationConfiguration, ctx: ScanContext): Promise<void> {
  for (const status of ['InProgress', 'Stopping'] as const) {
    for await (const page of paginateListProcessingJobs(paging, { StatusEquals: status })) {
      for (const summary of page.ProcessingJobSummaries ?? []) {
        const name = summary.ProcessingJobName;
        if (!name) continue;
        const job = await unlessGone(sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: name })));
        if (!job) continue;
        ctx.found(job.NetworkConfig?.VpcConfig?.SecurityGroupIds, {
          resourceType: 'SageMaker processing job',
          resourceId: job.ProcessingJobArn ?? summary.ProcessingJobArn ?? name,
          resourceName: name,
          detail: `status ${job.ProcessingJobStatus ?? summary.ProcessingJobStatus ?? 'unknown'}`,
        });
      }
    }
  }
}

/**
 * Notebook instances, Studio domains and user profiles, models, HyperPod clusters, private
 * workforces, model monitor schedules and job definitions, endpoint configs and live processing jobs. Only
 * ListWorkforces carries the groups itself: every other List returns summaries without them and
 * SageMaker has no batch Describe, so one Describe per resource is unavoidable (SOURCES.md),
 * made one at a time. Stopped notebooks, idle models, monitoring schedules between runs and
 * endpoint configs are reported too: they have no network interface now but keep the groups in
 * their configuration and use them again when started, run or deployed.
 */
export const sagemakerScanner: Scanner = {
  source: 'sagemaker',
  service: 'sagemaker',
  covers: [
    'AWS::SageMaker::NotebookInstance',
    'AWS::SageMaker::Domain',
    'AWS::SageMaker::UserProfile',
    'AWS::SageMaker::Model',
    'AWS::SageMaker::Cluster',
    'AWS::SageMaker::Workforce',
    'AWS::SageMaker::MonitoringSchedule',
    'AWS::SageMaker::DataQualityJobDefinition',
    'AWS::SageMaker::ModelQualityJobDefinition',
    'AWS::SageMaker::ModelBiasJobDefinition',
    'AWS::SageMaker::ModelExplainabilityJobDefinition',
    'AWS::SageMaker::EndpointConfig',
    'AWS::SageMaker::ProcessingJob',
  ],
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
    'sagemaker:ListMonitoringSchedules',
    'sagemaker:DescribeMonitoringSchedule',
    'sagemaker:ListDataQualityJobDefinitions',
    'sagemaker:DescribeDataQualityJobDefinition',
    'sagemaker:ListModelQualityJobDefinitions',
    'sagemaker:DescribeModelQualityJobDefinition',
    'sagemaker:ListModelBiasJobDefinitions',
    'sagemaker:DescribeModelBiasJobDefinition',
    'sagemaker:ListModelExplainabilityJobDefinitions',
    'sagemaker:DescribeModelExplainabilityJobDefinition',
    'sagemaker:ListEndpointConfigs',
    'sagemaker:DescribeEndpointConfig',
    'sagemaker:ListProcessingJobs',
    'sagemaker:DescribeProcessingJob',
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

    // Schedules before definitions: a schedule created mid-scan names a definition that already
    // exists, so the definition listings still read it.
    const references = await scanMonitoringSchedules(sm, paging, ctx);
    await scanJobDefinitions(sm, paging, ctx, references);
    await scanEndpointConfigs(sm, paging, ctx);
    await scanProcessingJobs(sm, paging, ctx);
  },
};
