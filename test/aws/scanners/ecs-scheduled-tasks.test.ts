import { EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, type Target } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { ecsScheduledTasksScanner } from '../../../lambda/aws/scanners/ecs-scheduled-tasks';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const events = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/batch';
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:3';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/nightly-report';
// Free-form inputs count only ids of real shape (sg- and 8 or 17 hex digits) that name a group of the region.
const USED = 'sg-0a1b2c3d4e5f60718';
const FREE = 'sg-0ffffffffffffffff';
const OTHER_REGION = 'sg-0123456789abcdef0';

function ecsTarget(groupId: string): Target {
  return {
    Id: 'run-report',
    Arn: CLUSTER,
    RoleArn: 'arn:aws:iam::123456789012:role/events-ecs',
    EcsParameters: {
      TaskDefinitionArn: TASK,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: [groupId] } },
    },
  };
}

beforeEach(() => {
  events.reset();
  scheduler.reset();
  events.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default', Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }] });
  events.on(ListRulesCommand).resolves({ Rules: [] });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
});

describe('ecs-scheduled-tasks scanner', () => {
  it('marks a group used only by an EventBridge rule ECS target as in use, naming the rule and task', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'nightly-report', Arn: RULE_ARN, State: 'ENABLED', EventBusName: 'default' }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [ecsTarget('sg-used')] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'ecs-scheduled-tasks', resourceType: 'EventBridge rule', resourceId: RULE_ARN, resourceName: 'nightly-report' });
    expect(result.verdictOf('sg-used').usages[0]?.detail).toContain(TASK);
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(events).toHaveReceivedCommandWith(ListTargetsByRuleCommand, { Rule: 'nightly-report', EventBusName: 'default', Limit: 100 });
  });

  it('counts a disabled rule, which can be enabled again', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'paused', Arn: 'arn:paused', State: 'DISABLED' }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [ecsTarget('sg-used')] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-used')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]?.detail).toContain('state DISABLED');
  });

  it('visits every event bus, not only the default one', async () => {
    // Prepare
    events.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'default' }, { Name: 'ops' }] });
    events.on(ListRulesCommand, { EventBusName: 'ops' }).resolves({ Rules: [{ Name: 'ops-rule', Arn: 'arn:ops-rule', State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand, { Rule: 'ops-rule', EventBusName: 'ops' }).resolves({ Targets: [ecsTarget('sg-ops')] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-ops')]);

    // Assess
    expect(result.verdictOf('sg-ops').verdict).toBe('in-use');
    expect(result.verdictOf('sg-ops').usages[0]?.detail).toContain('bus ops');
  });

  it('follows NextToken by hand through buses, rules and targets', async () => {
    // Prepare
    events.on(ListEventBusesCommand).resolvesOnce({ EventBuses: [], NextToken: 'buses-2' }).resolvesOnce({ EventBuses: [{ Name: 'default' }] });
    events.on(ListRulesCommand).resolvesOnce({ Rules: [], NextToken: 'rules-2' }).resolvesOnce({ Rules: [{ Name: 'late', Arn: 'arn:late', State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand).resolvesOnce({ Targets: [], NextToken: 'targets-2' }).resolvesOnce({ Targets: [ecsTarget('sg-late')] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(events).toHaveReceivedCommandWith(ListEventBusesCommand, { NextToken: 'buses-2', Limit: 100 });
    expect(events).toHaveReceivedCommandWith(ListRulesCommand, { EventBusName: 'default', NextToken: 'rules-2' });
    expect(events).toHaveReceivedCommandWith(ListTargetsByRuleCommand, { Rule: 'late', NextToken: 'targets-2' });
  });

  it('passes over a rule deleted between ListRules and ListTargetsByRule', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'gone', Arn: 'arn:gone' }] });
    events.on(ListTargetsByRuleCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('passes over an event bus deleted between ListEventBuses and ListRules, reading the other buses', async () => {
    // Prepare
    events.on(ListEventBusesCommand).resolves({ EventBuses: [{ Name: 'gone-bus' }, { Name: 'default' }] });
    events.on(ListRulesCommand, { EventBusName: 'gone-bus' }).rejects(awsError('ResourceNotFoundException'));
    events.on(ListRulesCommand, { EventBusName: 'default' }).resolves({ Rules: [{ Name: 'nightly-report', Arn: RULE_ARN }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [ecsTarget('sg-used')] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-used')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
  });

  it('passes over a schedule deleted between ListSchedules and GetSchedule, reading the others', async () => {
    // Prepare
    scheduler.on(ListSchedulesCommand).resolves({
      Schedules: [
        { Name: 'gone', GroupName: 'ops', Target: { Arn: CLUSTER } },
        { Name: 'cleanup', GroupName: 'ops', Target: { Arn: CLUSTER } },
      ],
    });
    scheduler.on(GetScheduleCommand, { Name: 'gone', GroupName: 'ops' }).rejects(awsError('ResourceNotFoundException'));
    scheduler.on(GetScheduleCommand, { Name: 'cleanup', GroupName: 'ops' }).resolves({
      Name: 'cleanup',
      GroupName: 'ops',
      Target: {
        Arn: CLUSTER,
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        EcsParameters: { TaskDefinitionArn: TASK, NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: ['sg-sched'] } } },
      },
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-sched'), group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-sched').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads every schedule, whatever its target, and names the ECS one by schedule group and name', async () => {
    // Prepare
    scheduler.on(ListSchedulesCommand).resolves({
      Schedules: [
        { Name: 'sqs-ping', GroupName: 'default', Target: { Arn: 'arn:aws:sqs:us-east-1:123456789012:queue' } },
        { Name: 'cleanup', GroupName: 'ops', Target: { Arn: CLUSTER } },
      ],
    });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'cleanup',
      GroupName: 'ops',
      Arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/ops/cleanup',
      State: 'ENABLED',
      Target: {
        Arn: CLUSTER,
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        EcsParameters: { TaskDefinitionArn: TASK, NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: ['sg-sched'] } } },
      },
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-sched')]);

    // Assess
    expect(result.verdictOf('sg-sched').usages[0]).toMatchObject({ resourceType: 'EventBridge Scheduler schedule', resourceName: 'ops/cleanup' });
    expect(scheduler).toHaveReceivedCommandTimes(GetScheduleCommand, 2);
    expect(scheduler).toHaveReceivedCommandWith(GetScheduleCommand, { Name: 'sqs-ping', GroupName: 'default' });
    expect(scheduler).toHaveReceivedCommandWith(GetScheduleCommand, { Name: 'cleanup', GroupName: 'ops' });
  });

  it('takes the groups from the request of a universal ECS RunTask schedule target', async () => {
    // Prepare
    const target = 'arn:aws:scheduler:::aws-sdk:ecs:runTask';
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'raw', GroupName: 'default', Target: { Arn: target } }] });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'raw',
      GroupName: 'default',
      Target: {
        Arn: target,
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        Input: JSON.stringify({ Cluster: CLUSTER, NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: ['sg-0123456789abcdef0'] } } }),
      },
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-0123456789abcdef0')]);

    // Assess
    expect(result.verdictOf('sg-0123456789abcdef0').verdict).toBe('in-use');
  });

  it('follows the schedule listing to its second page, 100 per page', async () => {
    // Prepare
    scheduler
      .on(ListSchedulesCommand)
      .resolvesOnce({ Schedules: [], NextToken: 'sched-2' })
      .resolvesOnce({ Schedules: [{ Name: 'late', GroupName: 'default', Target: { Arn: CLUSTER } }] });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'late',
      Target: { Arn: CLUSTER, RoleArn: 'arn:role', EcsParameters: { TaskDefinitionArn: TASK, NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['s'], SecurityGroups: ['sg-late'] } } } },
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(scheduler).toHaveReceivedNthCommandWith(2, ListSchedulesCommand, { NextToken: 'sched-2', MaxResults: 100 });
  });

  it('marks a group named only in a Lambda target input as in use, naming the target and the JSON path', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'nightly-report', Arn: RULE_ARN, State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand).resolves({
      Targets: [{ Id: 'open-port', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:open-port', Input: JSON.stringify({ groupIds: [USED] }) }],
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group(USED), group(FREE)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(USED).usages[0]).toMatchObject({ resourceType: 'EventBridge rule', resourceId: RULE_ARN, resourceName: 'nightly-report' });
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('target open-port (arn:aws:lambda:us-east-1:123456789012:function:open-port)');
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('at $.Input.groupIds[0]');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('marks a group named only in an input transformer template as in use', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'on-alarm', Arn: 'arn:on-alarm', State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand).resolves({
      Targets: [{ Id: 'ssm', Arn: 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript', InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: `{"group": "${USED}", "id": <id>}` } }],
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group(USED)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('at $.InputTransformer.InputTemplate');
  });

  it('marks a group named only in a universal EC2 RunInstances schedule as in use', async () => {
    // Prepare
    const target = 'arn:aws:scheduler:::aws-sdk:ec2:runInstances';
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'batch-box', GroupName: 'default', Target: { Arn: target } }] });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'batch-box',
      GroupName: 'default',
      State: 'DISABLED',
      Target: { Arn: target, RoleArn: 'arn:aws:iam::123456789012:role/scheduler', Input: JSON.stringify({ ImageId: 'ami-1', SecurityGroupIds: [USED] }) },
    });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group(USED), group(FREE)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(USED).usages[0]).toMatchObject({ resourceType: 'EventBridge Scheduler schedule', resourceName: 'default/batch-box' });
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('state DISABLED');
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('at $.Input.SecurityGroupIds[0]');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('ignores an id in an input that is no group of the region', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'other-region', Arn: 'arn:other', State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f', Input: JSON.stringify({ sg: OTHER_REGION }) }] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group(FREE)]);

    // Assess
    expect(result.scan.usages).toEqual([]);
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('reads each rule target list once, serving ECS targets and other inputs alike', async () => {
    // Prepare
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'nightly-report', Arn: RULE_ARN, State: 'ENABLED' }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [ecsTarget(USED), { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f', Input: `"${FREE}"` }] });

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group(USED), group(FREE)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(FREE).verdict).toBe('in-use');
    expect(events).toHaveReceivedCommandTimes(ListTargetsByRuleCommand, 1);
  });

  it('makes otherwise-unproven groups unknown, never candidates, when the Scheduler denies access', async () => {
    // Prepare
    scheduler.on(ListSchedulesCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['ecs-scheduled-tasks']);
  });

  it('makes otherwise-unproven groups unknown when EventBridge throttling outlasts the retries', async () => {
    // Prepare
    events.on(ListRulesCommand).rejects(awsError('ThrottlingException'));

    // Act
    const result = await scanAndClassify(ecsScheduledTasksScanner, [group('sg-a')]);

    // Assess
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
