import { gzipSync } from 'node:zlib';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { BatchClient, DescribeComputeEnvironmentsCommand, DescribeJobDefinitionsCommand } from '@aws-sdk/client-batch';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetFleetsCommand, BatchGetProjectsCommand, CodeBuildClient, ListFleetsCommand, ListProjectsCommand } from '@aws-sdk/client-codebuild';
import {
  DescribeClientVpnEndpointsCommand,
  DescribeFleetsCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { LambdaClient, ListCapacityProvidersCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeStateMachineCommand, ListStateMachinesCommand, ListStateMachineVersionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DescribeParametersCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SWEEP_EXCLUDED_SOURCES } from '../../../lambda/aws/response-sweep';
import { batchJobDefinitionsScanner } from '../../../lambda/aws/scanners/batch-job-definitions';
import { cloudformationParametersScanner } from '../../../lambda/aws/scanners/cloudformation-parameters';
import { codebuildScanner } from '../../../lambda/aws/scanners/codebuild';
import { clientVpnScanner } from '../../../lambda/aws/scanners/client-vpn';
import { ecsScheduledTasksScanner } from '../../../lambda/aws/scanners/ecs-scheduled-tasks';
import { ecsTaskDefinitionsScanner } from '../../../lambda/aws/scanners/ecs-task-definitions';
import { glueJobsScanner } from '../../../lambda/aws/scanners/glue-jobs';
import { lambdaScanner } from '../../../lambda/aws/scanners/lambda';
import { launchTemplatesScanner } from '../../../lambda/aws/scanners/launch-templates';
import { resourceTagsScanner } from '../../../lambda/aws/scanners/resource-tags';
import { sgRuleReferencesScanner } from '../../../lambda/aws/scanners/sg-rule-references';
import { ssmParametersScanner } from '../../../lambda/aws/scanners/ssm-parameters';
import { stepFunctionsScanner } from '../../../lambda/aws/scanners/step-functions';
import { SCANNERS } from '../../../lambda/aws/scanners/registry';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// Ids of real shape: the sweep only counts `sg-` + 8 or 17 hex digits naming a group of the region.
const HELD = 'sg-0a1b2c3d4e5f60718';
const FREE = 'sg-0ffffffffffffffff';
const SECRET = 'hunter2-Sup3rSecret';
const ACCOUNT = '123456789012';
const groupArn = (id: string): string => `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${id}`;

const lambda = mockClient(LambdaClient);
const codebuild = mockClient(CodeBuildClient);
const batch = mockClient(BatchClient);
const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);
const autoscaling = mockClient(AutoScalingClient);
const eks = mockClient(EKSClient);
const events = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);
const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const ssm = mockClient(SSMClient);
const cfn = mockClient(CloudFormationClient);

beforeEach(() => {
  for (const mock of [lambda, codebuild, batch, ecs, ec2, autoscaling, eks, events, scheduler, glue, sfn, tagging, ssm, cfn]) mock.reset();
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  lambda.on(ListCapacityProvidersCommand).resolves({ CapacityProviders: [] });
  codebuild.on(ListProjectsCommand).resolves({ projects: [] });
  codebuild.on(ListFleetsCommand).resolves({ fleets: [] });
  codebuild.on(BatchGetFleetsCommand).resolves({ fleets: [] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  ec2.on(DescribeSpotFleetRequestsCommand).resolves({ SpotFleetRequestConfigs: [] });
  ec2.on(DescribeFleetsCommand).resolves({ Fleets: [] });
  autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  batch.on(DescribeComputeEnvironmentsCommand).resolves({ computeEnvironments: [] });
  eks.on(ListClustersCommand).resolves({ clusters: [] });
  events.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default', Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default` }] });
  events.on(ListRulesCommand).resolves({ Rules: [] });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
});

const GROUPS = [group(HELD), group(FREE)];

/** Every evidence field of every usage, as one text. */
function evidenceText(result: Awaited<ReturnType<typeof scanAndClassify>>): string {
  return JSON.stringify(result.groups.flatMap((g) => g.usages)) + JSON.stringify(result.groups.map((g) => g.reasons)) + JSON.stringify(result.scan);
}

describe('the free-text sweep of every answer a scan gets', () => {
  it('keeps a group named only in a Lambda environment variable in use, naming the function and the variable path', async () => {
    // Prepare
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:reaper`;
    lambda.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: 'reaper', FunctionArn: arn, Environment: { Variables: { TARGET_SG: HELD } } }] });

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'lambda', resourceId: arn, detail: expect.stringContaining('found in $.Functions[0].Environment.Variables.TARGET_SG of') });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('never records the value around the id: an environment variable holding a secret and a group id leaves only the id and the path', async () => {
    // Prepare
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:db-client`;
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [{ FunctionName: 'db-client', FunctionArn: arn, Environment: { Variables: { DB_URL: `postgres://admin:${SECRET}@db/x?sg=${HELD}` } } }],
    });

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(evidenceText(result)).not.toContain(SECRET);
    expect(evidenceText(result)).not.toContain('postgres://');
  });

  it('reads a group written as a security-group ARN inside a free-form value', async () => {
    // Prepare
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [{ FunctionName: 'f', FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`, Environment: { Variables: { GROUP: groupArn(HELD) } } }],
    });

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
  });

  it('keeps a group named only in a CodeBuild project environment variable in use', async () => {
    // Prepare
    const arn = `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/deploy`;
    codebuild.on(ListProjectsCommand).resolves({ projects: ['deploy'] });
    codebuild.on(BatchGetProjectsCommand).resolves({
      projects: [{ name: 'deploy', arn, environment: { type: 'LINUX_CONTAINER', image: 'x', computeType: 'BUILD_GENERAL1_SMALL', environmentVariables: [{ name: 'APP_SG', value: HELD, type: 'PLAINTEXT' }] } }],
    });

    // Act
    const result = await scanAndClassify(codebuildScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ resourceId: arn, detail: expect.stringContaining('$.projects[0].environment.environmentVariables[0].value') });
  });

  it('keeps a group named only in a Batch job definition environment in use', async () => {
    // Prepare
    const arn = `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/etl:4`;
    batch.on(DescribeJobDefinitionsCommand, { status: 'ACTIVE' }).resolves({
      jobDefinitions: [{ jobDefinitionName: 'etl', jobDefinitionArn: arn, revision: 4, type: 'container', status: 'ACTIVE', containerProperties: { environment: [{ name: 'WORKER_SG', value: HELD }] } }],
    });

    // Act
    const result = await scanAndClassify(batchJobDefinitionsScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'batch-job-definitions', resourceId: arn });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
    expect(batch).toHaveReceivedCommandWith(DescribeJobDefinitionsCommand, { status: 'ACTIVE', maxResults: 100 });
  });

  it('keeps a group named only in an ECS task definition container environment in use, describing each active revision', async () => {
    // Prepare
    const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/spawner:7`;
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [arn] });
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: arn, family: 'spawner', revision: 7, containerDefinitions: [{ name: 'app', environment: [{ name: 'CHILD_SG', value: HELD }] }] },
    });

    // Act
    const result = await scanAndClassify(ecsTaskDefinitionsScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'ecs-task-definitions', resourceId: arn, detail: expect.stringContaining('$.taskDefinition.containerDefinitions[0].environment[0].value') });
    expect(ecs).toHaveReceivedCommandWith(ListTaskDefinitionsCommand, { status: 'ACTIVE', maxResults: 100 });
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: arn, include: ['TAGS'] });
  });

  it('keeps a group named only in base64 launch-template user data in use', async () => {
    // Prepare
    const userData = Buffer.from(`#!/bin/bash\naws ec2 run-instances --security-group-ids ${HELD} --token ${SECRET}\n`).toString('base64');
    ec2.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest', '$Default'] }).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'bastion', VersionNumber: 2, DefaultVersion: true, LaunchTemplateData: { UserData: userData } }],
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]?.detail).toContain('LaunchTemplateData.UserData');
    expect(evidenceText(result)).not.toContain(SECRET);
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('opens gzip-compressed base64 user data', async () => {
    // Prepare
    const userData = gzipSync(Buffer.from(`#cloud-config\nwrite_files:\n  - content: "${HELD}"\n`)).toString('base64');
    ec2.on(DescribeLaunchTemplateVersionsCommand, { Versions: ['$Latest', '$Default'] }).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'gz', VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: { UserData: userData } }],
    });

    // Act
    const result = await scanAndClassify(launchTemplatesScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
  });

  it('keeps a group named only in an EventBridge target Input or InputTransformer template in use', async () => {
    // Prepare
    const ruleArn = `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly`;
    const second = 'sg-0123456789abcdef0';
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'nightly', Arn: ruleArn, State: 'ENABLED', EventBusName: 'default' }] });
    events.on(ListTargetsByRuleCommand).resolves({
      Targets: [
        { Id: 'a', Arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`, Input: JSON.stringify({ cleanup: { keep: [HELD] } }) },
        { Id: 'b', Arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:g`, InputTransformer: { InputPathsMap: { t: '$.time' }, InputTemplate: `{"time": <t>, "sg": "${second}"}` } },
      ],
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [...GROUPS, group(second)]);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(second).verdict).toBe('in-use');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('keeps a group named only in a Glue job argument in use, naming the job', async () => {
    // Prepare
    glue.on(GetJobsCommand).resolves({ Jobs: [{ Name: 'nightly-etl', Command: { Name: 'glueetl' }, DefaultArguments: { '--worker-sg': HELD, '--password': SECRET } }] });

    // Act
    const result = await scanAndClassify(glueJobsScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'glue-jobs', resourceId: 'nightly-etl', detail: expect.stringContaining('$.Jobs[0].DefaultArguments["--worker-sg"]') });
    expect(evidenceText(result)).not.toContain(SECRET);
    expect(glue).toHaveReceivedCommandWith(GetJobsCommand, { MaxResults: 1000 });
  });

  it('keeps a group named only in a Step Functions definition in use', async () => {
    // Prepare
    const arn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:cleanup`;
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [{ stateMachineArn: arn, name: 'cleanup', type: 'STANDARD', creationDate: new Date() }] });
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    sfn.on(DescribeStateMachineCommand).resolves({
      stateMachineArn: arn,
      name: 'cleanup',
      type: 'STANDARD',
      roleArn: 'arn:role',
      creationDate: new Date(),
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { note: `uses ${HELD}` }, End: true } } }),
    });

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('keeps a group named only in a tag of another resource in use, and a group is never kept by its own tags', async () => {
    // Prepare
    const bucket = 'arn:aws:s3:::artifacts';
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: bucket, Tags: [{ Key: 'allowed-from', Value: HELD }] },
        { ResourceARN: groupArn(FREE), Tags: [{ Key: 'Name', Value: FREE }] },
      ],
    });

    // Act
    const result = await scanAndClassify(resourceTagsScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'resource-tags', resourceId: bucket, detail: expect.stringContaining('$.ResourceTagMappingList[0].Tags[0].Value') });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
    expect(tagging).toHaveReceivedCommandWith(GetResourcesCommand, { ResourcesPerPage: 100 });
  });

  it('keeps a group named only in an SSM String parameter in use, naming the parameter', async () => {
    // Prepare
    const arn = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/network/app/sg`;
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: '/network/app/sg', Type: 'String' }] });
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/network/app/sg', Type: 'String', Value: HELD, ARN: arn }] });

    // Act
    const result = await scanAndClassify(ssmParametersScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ source: 'ssm-parameters', resourceId: arn, detail: expect.stringContaining('$.Parameters[0].Value') });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('counts SecureString parameters without ever asking for their values or their decryption', async () => {
    // Prepare
    ssm.on(DescribeParametersCommand).resolves({
      Parameters: [
        { Name: '/db/password', Type: 'SecureString' },
        { Name: '/db/key', Type: 'SecureString' },
        { Name: '/plain', Type: 'StringList' },
      ],
    });
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/plain', Type: 'StringList', Value: 'a,b' }] });

    // Act
    const result = await scanAndClassify(ssmParametersScanner, GROUPS);

    // Assess
    expect(result.scan.note).toContain('2 SecureString parameters counted, not decrypted');
    const gets = ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input);
    expect(gets).toEqual([{ Names: ['/plain'], WithDecryption: false }]);
    expect(gets.some((input) => input.WithDecryption === true)).toBe(false);
  });

  it('asks GetParameters for at most 10 names per call and DescribeParameters for 50 per page', async () => {
    // Prepare
    const names = Array.from({ length: 23 }, (_, i) => `/p/${i}`);
    ssm.on(DescribeParametersCommand).resolves({ Parameters: names.map((Name) => ({ Name, Type: 'String' })) });
    ssm.on(GetParametersCommand).resolves({ Parameters: [] });

    // Act
    await scanAndClassify(ssmParametersScanner, GROUPS);

    // Assess
    expect(ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names?.length)).toEqual([10, 10, 3]);
    expect(ssm).toHaveReceivedCommandWith(DescribeParametersCommand, { MaxResults: 50 });
  });

  it('keeps a group named only in a CloudFormation stack output or export in use', async () => {
    // Prepare
    const stackId = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/network/abc`;
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'network',
          StackId: stackId,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'AppSecurityGroup', OutputValue: HELD, ExportName: 'network-app-sg' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('in-use');
    expect(result.verdictOf(HELD).usages[0]).toMatchObject({ resourceId: stackId, detail: expect.stringContaining('$.Stacks[0].Outputs[0].OutputValue') });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('does not count what a deleted resource still listed names (a Client VPN endpoint deleted an hour ago)', async () => {
    // Prepare
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [{ ClientVpnEndpointId: 'cvpn-endpoint-0123456789abcdef0', Status: { Code: 'deleted' }, SecurityGroupIds: [HELD], Description: `was ${HELD}` }],
    });

    // Act
    const result = await scanAndClassify(clientVpnScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).verdict).toBe('candidate');
  });

  it('adds no sweep evidence for a group the scanner itself reported', async () => {
    // Prepare
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`;
    lambda.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: 'f', FunctionArn: arn, VpcConfig: { SecurityGroupIds: [HELD] } }] });

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.verdictOf(HELD).usages).toEqual([expect.objectContaining({ resourceType: 'Lambda function' })]);
  });

  it('does not sweep the answers of sources that name groups as their subjects (a group’s own rules)', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: FREE, IsEgress: false, IpProtocol: '-1', Description: `copied from ${HELD}` }],
    });

    // Act
    const result = await scanAndClassify(sgRuleReferencesScanner, GROUPS);

    // Assess
    expect(SWEEP_EXCLUDED_SOURCES.has('sg-rule-references')).toBe(true);
    expect(result.verdictOf(HELD).verdict).toBe('candidate');
  });

  it('fails the scan closed when the sweep itself breaks, and keeps the scanner’s own error when both fail', async () => {
    // Prepare: an answer whose field cannot be read makes the sweep fail.
    const broken = { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' };
    Object.defineProperty(broken, 'Environment', { enumerable: true, get: () => { throw new Error('unreadable'); } });
    lambda.on(ListFunctionsCommand).resolves({ Functions: [broken] as never });
    lambda.on(ListCapacityProvidersCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('AccessDeniedException');
    expect(result.scan.note).toContain('free-text sweep of Lambda ListFunctions failed');
    expect(result.verdictOf(FREE).verdict).toBe('unknown');
  });

  it('makes a clean scan failed when only the sweep broke', async () => {
    // Prepare
    const broken = { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' };
    Object.defineProperty(broken, 'Environment', { enumerable: true, get: () => { throw new Error('unreadable'); } });
    lambda.on(ListFunctionsCommand).resolves({ Functions: [broken] as never });

    // Act
    const result = await scanAndClassify(lambdaScanner, GROUPS);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('SweepFailed');
    expect(result.verdictOf(FREE).verdict).toBe('unknown');
  });

  it('sweeps the answers of every registered source except the excluded ones', () => {
    // Assess
    const swept = SCANNERS.map((s) => s.source).filter((s) => !SWEEP_EXCLUDED_SOURCES.has(s));
    expect(swept).toEqual(expect.arrayContaining(['ssm-parameters', 'resource-tags', 'batch-job-definitions', 'ecs-task-definitions', 'glue-jobs', 'lambda', 'launch-templates']));
    expect([...SWEEP_EXCLUDED_SOURCES].sort()).toEqual(['cloudtrail-age', 'peered-references', 'ram-shares', 'recent-activity', 'sg-rule-references', 'vpc-associations']);
  });
});
