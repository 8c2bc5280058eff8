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
  DescribeUserProfileCommand,
  ListClustersCommand,
  ListDataQualityJobDefinitionsCommand,
  ListDomainsCommand,
  ListEndpointConfigsCommand,
  ListModelBiasJobDefinitionsCommand,
  ListModelExplainabilityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
  ListModelsCommand,
  ListMonitoringSchedulesCommand,
  ListNotebookInstancesCommand,
  ListUserProfilesCommand,
  ListWorkforcesCommand,
  ListProcessingJobsCommand,
  DescribeProcessingJobCommand,
  SageMakerClient,
  type MonitoringJobDefinitionSummary,
  type MonitoringScheduleSummary,
  type MonitoringType,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { sagemakerScanner } from '../../../lambda/aws/scanners/sagemaker';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const sm = mockClient(SageMakerClient);
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';
const CREATED = new Date('2026-01-01T00:00:00Z');

// The four named monitoring job definition APIs share one shape; the tests run over each.
const JOB_DEFINITIONS = [
  {
    label: 'data quality',
    list: ListDataQualityJobDefinitionsCommand,
    describe: DescribeDataQualityJobDefinitionCommand,
    arnKind: 'data-quality-job-definition',
  },
  {
    label: 'model quality',
    list: ListModelQualityJobDefinitionsCommand,
    describe: DescribeModelQualityJobDefinitionCommand,
    arnKind: 'model-quality-job-definition',
  },
  {
    label: 'model bias',
    list: ListModelBiasJobDefinitionsCommand,
    describe: DescribeModelBiasJobDefinitionCommand,
    arnKind: 'model-bias-job-definition',
  },
  {
    label: 'model explainability',
    list: ListModelExplainabilityJobDefinitionsCommand,
    describe: DescribeModelExplainabilityJobDefinitionCommand,
    arnKind: 'model-explainability-job-definition',
  },
] as const;

type JobDefinitionCase = (typeof JOB_DEFINITIONS)[number];

function scheduleSummary(name: string, extra: Partial<MonitoringScheduleSummary> = {}): MonitoringScheduleSummary {
  return {
    MonitoringScheduleName: name,
    MonitoringScheduleArn: `${ARN}:monitoring-schedule/${name}`,
    CreationTime: CREATED,
    LastModifiedTime: CREATED,
    MonitoringScheduleStatus: 'Scheduled',
    EndpointName: 'churn-ep',
    ...extra,
  };
}

function definitionSummary(kind: JobDefinitionCase, name: string): MonitoringJobDefinitionSummary {
  return {
    MonitoringJobDefinitionName: name,
    MonitoringJobDefinitionArn: `${ARN}:${kind.arnKind}/${name}`,
    CreationTime: CREATED,
    EndpointName: 'churn-ep',
  };
}

// Every Describe*JobDefinition answers this shape; only the network part matters to the scanner.
function mockDefinition(kind: JobDefinitionCase, name: string, groupIds: string[]): void {
  sm.on(kind.describe as typeof DescribeDataQualityJobDefinitionCommand, { JobDefinitionName: name }).resolves({
    JobDefinitionName: name,
    JobDefinitionArn: `${ARN}:${kind.arnKind}/${name}`,
    CreationTime: CREATED,
    RoleArn: 'arn:aws:iam::123456789012:role/monitor',
    NetworkConfig: { VpcConfig: { SecurityGroupIds: groupIds, Subnets: ['subnet-1'] } },
  });
}

function mockInlineSchedule(name: string, groupIds: string[]): void {
  sm.on(DescribeMonitoringScheduleCommand, { MonitoringScheduleName: name }).resolves({
    MonitoringScheduleName: name,
    MonitoringScheduleArn: `${ARN}:monitoring-schedule/${name}`,
    MonitoringScheduleStatus: 'Scheduled',
    MonitoringType: 'DataQuality',
    CreationTime: CREATED,
    LastModifiedTime: CREATED,
    EndpointName: 'churn-ep',
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      MonitoringJobDefinition: {
        MonitoringInputs: [],
        MonitoringOutputConfig: { MonitoringOutputs: [] },
        MonitoringResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
        MonitoringAppSpecification: { ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/monitor:latest' },
        RoleArn: 'arn:aws:iam::123456789012:role/monitor',
        NetworkConfig: { VpcConfig: { SecurityGroupIds: groupIds, Subnets: ['subnet-1'] } },
      },
    },
  });
}

function mockNamedSchedule(name: string, definitionName: string, monitoringType: MonitoringType): void {
  sm.on(DescribeMonitoringScheduleCommand, { MonitoringScheduleName: name }).resolves({
    MonitoringScheduleName: name,
    MonitoringScheduleArn: `${ARN}:monitoring-schedule/${name}`,
    MonitoringScheduleStatus: 'Scheduled',
    MonitoringType: monitoringType,
    CreationTime: CREATED,
    LastModifiedTime: CREATED,
    EndpointName: 'churn-ep',
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      MonitoringJobDefinitionName: definitionName,
      MonitoringType: monitoringType,
    },
  });
}

function mockEndpointConfig(name: string, groupIds: string[]): void {
  sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: name }).resolves({
    EndpointConfigName: name,
    EndpointConfigArn: `${ARN}:endpoint-config/${name}`,
    CreationTime: CREATED,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    VpcConfig: { SecurityGroupIds: groupIds, Subnets: ['subnet-1'] },
  });
}

beforeEach(() => {
  sm.reset();
  sm.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [] });
  sm.on(ListDomainsCommand).resolves({ Domains: [] });
  sm.on(ListUserProfilesCommand).resolves({ UserProfiles: [] });
  sm.on(ListModelsCommand).resolves({ Models: [] });
  sm.on(ListClustersCommand).resolves({ ClusterSummaries: [] });
  sm.on(ListWorkforcesCommand).resolves({ Workforces: [] });
  sm.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [] });
  for (const kind of JOB_DEFINITIONS) sm.on(kind.list as typeof ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
  sm.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
  sm.on(ListProcessingJobsCommand).resolves({ ProcessingJobSummaries: [] });
});

describe('sagemaker scanner', () => {
  it('marks the group of a stopped notebook instance as in use, naming the notebook', async () => {
    // Prepare
    sm.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: [{ NotebookInstanceName: 'research', NotebookInstanceArn: `${ARN}:notebook-instance/research` }],
    });
    sm.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'research' }).resolves({
      NotebookInstanceName: 'research',
      NotebookInstanceArn: `${ARN}:notebook-instance/research`,
      NotebookInstanceStatus: 'Stopped',
      SecurityGroups: ['sg-used'],
    });

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'sagemaker',
      resourceType: 'SageMaker notebook instance',
      resourceId: `${ARN}:notebook-instance/research`,
      resourceName: 'research',
      detail: 'status Stopped',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks every listing for 100 per page', async () => {
    await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(sm).toHaveReceivedCommandWith(ListNotebookInstancesCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListDomainsCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListUserProfilesCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListModelsCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListClustersCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListWorkforcesCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListMonitoringSchedulesCommand, { MaxResults: 100 });
    for (const kind of JOB_DEFINITIONS) {
      expect(sm).toHaveReceivedCommandWith(kind.list as typeof ListDataQualityJobDefinitionsCommand, { MaxResults: 100 });
    }
    expect(sm).toHaveReceivedCommandWith(ListEndpointConfigsCommand, { MaxResults: 100 });
  });

  it('follows NextToken to the last page of models', async () => {
    sm.on(ListModelsCommand)
      .resolvesOnce({ Models: [], NextToken: 'page-2' })
      .resolvesOnce({ Models: [{ ModelName: 'churn', ModelArn: `${ARN}:model/churn`, CreationTime: CREATED }] });
    sm.on(DescribeModelCommand, { ModelName: 'churn' }).resolves({
      ModelName: 'churn',
      ModelArn: `${ARN}:model/churn`,
      CreationTime: CREATED,
      VpcConfig: { SecurityGroupIds: ['sg-late'], Subnets: ['subnet-1'] },
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').usages[0]).toMatchObject({ resourceType: 'SageMaker model', resourceName: 'churn' });
    expect(sm).toHaveReceivedCommandTimes(ListModelsCommand, 2);
    expect(sm).toHaveReceivedCommandWith(ListModelsCommand, { NextToken: 'page-2' });
  });

  it('marks every group a Studio domain names, the SageMaker-created boundary group included', async () => {
    sm.on(ListDomainsCommand).resolves({ Domains: [{ DomainId: 'd-1', DomainName: 'studio', DomainArn: `${ARN}:domain/d-1` }] });
    sm.on(DescribeDomainCommand, { DomainId: 'd-1' }).resolves({
      DomainId: 'd-1',
      DomainArn: `${ARN}:domain/d-1`,
      DomainName: 'studio',
      Status: 'InService',
      DomainSettings: { SecurityGroupIds: ['sg-domain'] },
      DefaultUserSettings: { SecurityGroups: ['sg-user-default'] },
      DefaultSpaceSettings: { SecurityGroups: ['sg-space-default'] },
      SecurityGroupIdForDomainBoundary: 'sg-boundary',
    });
    const ids = ['sg-domain', 'sg-user-default', 'sg-space-default', 'sg-boundary'];

    const result = await scanAndClassify(sagemakerScanner, ids.map((id) => group(id)));

    for (const id of ids) {
      expect(result.verdictOf(id).usages[0]).toMatchObject({ resourceType: 'SageMaker domain', resourceName: 'studio' });
    }
  });

  it('reads every user profile of the account in one listing and describes each', async () => {
    sm.on(ListUserProfilesCommand).resolves({ UserProfiles: [{ DomainId: 'd-1', UserProfileName: 'alice' }] });
    sm.on(DescribeUserProfileCommand, { DomainId: 'd-1', UserProfileName: 'alice' }).resolves({
      DomainId: 'd-1',
      UserProfileName: 'alice',
      UserProfileArn: `${ARN}:user-profile/d-1/alice`,
      Status: 'InService',
      UserSettings: { SecurityGroups: ['sg-alice'] },
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-alice')]);

    expect(sm).toHaveReceivedCommandTimes(ListUserProfilesCommand, 1);
    expect(result.verdictOf('sg-alice').usages[0]).toMatchObject({
      resourceType: 'SageMaker user profile',
      resourceId: `${ARN}:user-profile/d-1/alice`,
      resourceName: 'alice',
    });
  });

  it('marks the cluster-wide and per-instance-group groups of a HyperPod cluster', async () => {
    sm.on(ListClustersCommand).resolves({
      ClusterSummaries: [{ ClusterName: 'llm', ClusterArn: `${ARN}:cluster/abc`, CreationTime: CREATED, ClusterStatus: 'InService' }],
    });
    sm.on(DescribeClusterCommand, { ClusterName: `${ARN}:cluster/abc` }).resolves({
      ClusterArn: `${ARN}:cluster/abc`,
      ClusterName: 'llm',
      ClusterStatus: 'InService',
      VpcConfig: { SecurityGroupIds: ['sg-cluster'], Subnets: ['subnet-1'] },
      InstanceGroups: [{ InstanceGroupName: 'workers', OverrideVpcConfig: { SecurityGroupIds: ['sg-workers'], Subnets: ['subnet-2'] } }],
      RestrictedInstanceGroups: [{ InstanceGroupName: 'nova', OverrideVpcConfig: { SecurityGroupIds: ['sg-restricted'], Subnets: ['subnet-3'] } }],
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-cluster'), group('sg-workers'), group('sg-restricted')]);

    expect(result.verdictOf('sg-cluster').usages[0]).toMatchObject({ resourceType: 'SageMaker HyperPod cluster', resourceName: 'llm' });
    expect(result.verdictOf('sg-workers').usages[0]?.detail).toContain('instance group workers');
    expect(result.verdictOf('sg-restricted').usages[0]?.detail).toContain('instance group nova');
  });

  it('marks the groups of a private workforce from the listing alone', async () => {
    sm.on(ListWorkforcesCommand).resolves({
      Workforces: [
        {
          WorkforceName: 'labelers',
          WorkforceArn: `${ARN}:workforce/labelers`,
          Status: 'Active',
          WorkforceVpcConfig: { VpcId: 'vpc-1', SecurityGroupIds: ['sg-workforce'], Subnets: ['subnet-1'] },
        },
      ],
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-workforce')]);

    expect(result.verdictOf('sg-workforce').usages[0]).toMatchObject({ resourceType: 'SageMaker workforce', resourceName: 'labelers' });
  });

  it('skips a domain deleted between its listing and its description', async () => {
    sm.on(ListDomainsCommand).resolves({ Domains: [{ DomainId: 'd-gone' }] });
    sm.on(DescribeDomainCommand).rejects(awsError('ResourceNotFound'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('fails the scan when a model cannot be described, since that API has no not-found code', async () => {
    sm.on(ListModelsCommand).resolves({ Models: [{ ModelName: 'm', ModelArn: `${ARN}:model/m`, CreationTime: CREATED }] });
    sm.on(DescribeModelCommand).rejects(awsError('ValidationException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    sm.on(ListWorkforcesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['sagemaker']);
  });

  it('makes otherwise-unproven groups unknown when describing a notebook is throttled', async () => {
    sm.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [{ NotebookInstanceName: 'nb', NotebookInstanceArn: `${ARN}:notebook-instance/nb` }] });
    sm.on(DescribeNotebookInstanceCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('marks the group of a monitoring schedule with an inline job definition as in use, naming the schedule', async () => {
    // Prepare
    sm.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [scheduleSummary('hourly')] });
    mockInlineSchedule('hourly', ['sg-monitor']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-monitor'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-monitor').verdict).toBe('in-use');
    expect(result.verdictOf('sg-monitor').usages[0]).toMatchObject({
      source: 'sagemaker',
      resourceType: 'SageMaker monitoring schedule',
      resourceId: `${ARN}:monitoring-schedule/hourly`,
      resourceName: 'hourly',
      detail: 'status Scheduled, endpoint churn-ep, inline job definition',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads the group of a job definition a schedule names from that definition, naming the schedule in the detail', async () => {
    // Prepare
    const kind = JOB_DEFINITIONS[1];
    sm.on(ListMonitoringSchedulesCommand).resolves({
      MonitoringScheduleSummaries: [scheduleSummary('nightly', { MonitoringJobDefinitionName: 'mq-def', MonitoringType: 'ModelQuality' })],
    });
    mockNamedSchedule('nightly', 'mq-def', 'ModelQuality');
    sm.on(kind.list).resolves({ JobDefinitionSummaries: [definitionSummary(kind, 'mq-def')] });
    mockDefinition(kind, 'mq-def', ['sg-quality']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-quality'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-quality').usages).toHaveLength(1);
    expect(result.verdictOf('sg-quality').usages[0]).toMatchObject({
      resourceType: 'SageMaker model quality job definition',
      resourceId: `${ARN}:model-quality-job-definition/mq-def`,
      resourceName: 'mq-def',
      detail: 'endpoint churn-ep, used by monitoring schedule nightly',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it.each(JOB_DEFINITIONS)('marks the group of a $label job definition no schedule uses yet as in use', async (kind) => {
    // Prepare
    sm.on(kind.list as typeof ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [definitionSummary(kind, 'spare')] });
    mockDefinition(kind, 'spare', ['sg-spare']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-spare'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-spare').verdict).toBe('in-use');
    expect(result.verdictOf('sg-spare').usages[0]).toMatchObject({
      resourceType: `SageMaker ${kind.label} job definition`,
      resourceId: `${ARN}:${kind.arnKind}/spare`,
      resourceName: 'spare',
      detail: 'endpoint churn-ep, not referenced by any monitoring schedule',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('fails the scan when a schedule names a job definition of a type the scanner does not read', async () => {
    // Prepare
    sm.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [scheduleSummary('future')] });
    mockNamedSchedule('future', 'new-def', 'ModelDrift' as MonitoringType);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('marks the group of an endpoint config as in use, naming the config', async () => {
    // Prepare
    sm.on(ListEndpointConfigsCommand).resolves({
      EndpointConfigs: [{ EndpointConfigName: 'churn-v2', EndpointConfigArn: `${ARN}:endpoint-config/churn-v2`, CreationTime: CREATED }],
    });
    mockEndpointConfig('churn-v2', ['sg-endpoint']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-endpoint'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-endpoint').verdict).toBe('in-use');
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({
      resourceType: 'SageMaker endpoint config',
      resourceId: `${ARN}:endpoint-config/churn-v2`,
      resourceName: 'churn-v2',
      detail: 'model churn',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken to the last page of monitoring schedules', async () => {
    // Prepare
    sm.on(ListMonitoringSchedulesCommand)
      .resolvesOnce({ MonitoringScheduleSummaries: [], NextToken: 'page-2' })
      .resolvesOnce({ MonitoringScheduleSummaries: [scheduleSummary('hourly')] });
    mockInlineSchedule('hourly', ['sg-late']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').usages[0]).toMatchObject({ resourceType: 'SageMaker monitoring schedule', resourceName: 'hourly' });
    expect(sm).toHaveReceivedCommandTimes(ListMonitoringSchedulesCommand, 2);
    expect(sm).toHaveReceivedCommandWith(ListMonitoringSchedulesCommand, { NextToken: 'page-2' });
  });

  it.each(JOB_DEFINITIONS)('follows NextToken to the last page of $label job definitions', async (kind) => {
    // Prepare
    const list = kind.list as typeof ListDataQualityJobDefinitionsCommand;
    sm.on(list)
      .resolvesOnce({ JobDefinitionSummaries: [], NextToken: 'page-2' })
      .resolvesOnce({ JobDefinitionSummaries: [definitionSummary(kind, 'late')] });
    mockDefinition(kind, 'late', ['sg-late']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').usages[0]).toMatchObject({ resourceName: 'late' });
    expect(sm).toHaveReceivedCommandTimes(list, 2);
    expect(sm).toHaveReceivedCommandWith(list, { NextToken: 'page-2' });
  });

  it('follows NextToken to the last page of endpoint configs', async () => {
    // Prepare
    sm.on(ListEndpointConfigsCommand)
      .resolvesOnce({ EndpointConfigs: [], NextToken: 'page-2' })
      .resolvesOnce({ EndpointConfigs: [{ EndpointConfigName: 'late', EndpointConfigArn: `${ARN}:endpoint-config/late`, CreationTime: CREATED }] });
    mockEndpointConfig('late', ['sg-late']);

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').usages[0]).toMatchObject({ resourceType: 'SageMaker endpoint config', resourceName: 'late' });
    expect(sm).toHaveReceivedCommandTimes(ListEndpointConfigsCommand, 2);
    expect(sm).toHaveReceivedCommandWith(ListEndpointConfigsCommand, { NextToken: 'page-2' });
  });

  it('skips a monitoring schedule deleted between its listing and its description', async () => {
    // Prepare
    sm.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [scheduleSummary('gone')] });
    sm.on(DescribeMonitoringScheduleCommand).rejects(awsError('ResourceNotFound'));

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it.each(JOB_DEFINITIONS)('skips a $label job definition deleted between its listing and its description', async (kind) => {
    // Prepare
    sm.on(kind.list as typeof ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [definitionSummary(kind, 'gone')] });
    sm.on(kind.describe as typeof DescribeDataQualityJobDefinitionCommand).rejects(awsError('ResourceNotFound'));

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('fails the scan when an endpoint config cannot be described, since that API has no not-found code', async () => {
    // Prepare
    sm.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [{ EndpointConfigName: 'gone', EndpointConfigArn: `${ARN}:endpoint-config/gone`, CreationTime: CREATED }] });
    sm.on(DescribeEndpointConfigCommand).rejects(awsError('ValidationException'));

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  const NEW_CALLS = [
    ListMonitoringSchedulesCommand,
    DescribeMonitoringScheduleCommand,
    ...JOB_DEFINITIONS.flatMap((kind) => [kind.list, kind.describe]),
    ListEndpointConfigsCommand,
    DescribeEndpointConfigCommand,
  ];

  it.each(NEW_CALLS.map((command) => [command.name, command] as const))(
    'makes otherwise-unproven groups unknown when %s is denied',
    async (_name, command) => {
      // Prepare: one resource in every new listing, none of them holding the group
      sm.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [scheduleSummary('hourly')] });
      mockInlineSchedule('hourly', []);
      for (const kind of JOB_DEFINITIONS) {
        sm.on(kind.list as typeof ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [definitionSummary(kind, 'def')] });
        mockDefinition(kind, 'def', []);
      }
      sm.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [{ EndpointConfigName: 'cfg', EndpointConfigArn: `${ARN}:endpoint-config/cfg`, CreationTime: CREATED }] });
      mockEndpointConfig('cfg', []);
      sm.on(command as typeof ListMonitoringSchedulesCommand).rejects(awsError('AccessDeniedException'));

      // Act
      const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

      // Assess
      expect(result.scan.status).toBe('failed');
      expect(result.verdictOf('sg-a').verdict).toBe('unknown');
      expect(result.verdictOf('sg-a').failedSources).toEqual(['sagemaker']);
      expect(result.scan.error).toMatchObject({ code: 'AccessDeniedException' });
    },
  );

  describe('processing jobs', () => {
    function jobSummary(name: string, status: 'InProgress' | 'Stopping') {
      return { ProcessingJobName: name, ProcessingJobArn: `${ARN}:processing-job/${name}`, CreationTime: CREATED, ProcessingJobStatus: status };
    }

    it('marks the group of a processing job still in progress as in use, naming the job', async () => {
      // Prepare
      sm.on(ListProcessingJobsCommand, { StatusEquals: 'InProgress' }).resolves({ ProcessingJobSummaries: [jobSummary('etl', 'InProgress')] });
      sm.on(DescribeProcessingJobCommand, { ProcessingJobName: 'etl' }).resolves({
        ProcessingJobName: 'etl',
        ProcessingJobArn: `${ARN}:processing-job/etl`,
        ProcessingJobStatus: 'InProgress',
        NetworkConfig: { VpcConfig: { SecurityGroupIds: ['sg-job'], Subnets: ['subnet-1'] } },
        AppSpecification: { ImageUri: 'image' },
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 } },
        CreationTime: CREATED,
      });

      // Act
      const result = await scanAndClassify(sagemakerScanner, [group('sg-job'), group('sg-free')]);

      // Assess
      expect(result.verdictOf('sg-job').verdict).toBe('in-use');
      expect(result.verdictOf('sg-job').usages[0]).toMatchObject({
        resourceType: 'SageMaker processing job',
        resourceId: `${ARN}:processing-job/etl`,
        detail: 'status InProgress',
      });
      expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    });

    it('lists only jobs in progress or stopping, 100 per page, following NextToken', async () => {
      // Prepare
      sm.on(ListProcessingJobsCommand, { StatusEquals: 'Stopping' })
        .resolvesOnce({ ProcessingJobSummaries: [], NextToken: 'p2' })
        .resolvesOnce({ ProcessingJobSummaries: [jobSummary('late', 'Stopping')] });
      sm.on(DescribeProcessingJobCommand).resolves({
        ProcessingJobName: 'late',
        ProcessingJobStatus: 'Stopping',
        NetworkConfig: { VpcConfig: { SecurityGroupIds: ['sg-late'], Subnets: ['subnet-1'] } },
        AppSpecification: { ImageUri: 'image' },
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 } },
        CreationTime: CREATED,
      });

      // Act
      const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

      // Assess
      expect(result.verdictOf('sg-late').verdict).toBe('in-use');
      expect(sm).toHaveReceivedCommandTimes(ListProcessingJobsCommand, 3);
      expect(sm).toHaveReceivedCommandWith(ListProcessingJobsCommand, { StatusEquals: 'InProgress', MaxResults: 100 });
      expect(sm).toHaveReceivedCommandWith(ListProcessingJobsCommand, { StatusEquals: 'Stopping', MaxResults: 100, NextToken: 'p2' });
    });

    it('makes otherwise-unproven groups unknown when ListProcessingJobs is denied', async () => {
      sm.on(ListProcessingJobsCommand).rejects(awsError('AccessDeniedException'));

      const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

      expect(result.scan.status).toBe('failed');
      expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    });
  });
});
