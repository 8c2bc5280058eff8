import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, SFNClient, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import type { AuditReport, ClassifiedGroup } from '../../lambda/core/model';
import { motoEnv } from '../../scripts/moto-server';
import { MOTO_MISSING_SOURCES } from '../../scripts/seed-account';
import { runCliOnMoto } from '../helpers/cli';

// This file owns us-east-2 on the shared moto server (test/integration/README.md).
const REGION = 'us-east-2';
const ACCOUNT = '123456789012'; // moto's account

/** An ASL definition whose only state starts a Fargate task in `groupId`. */
function runTask(groupId: string): string {
  return JSON.stringify({
    StartAt: 'RunReport',
    States: {
      RunReport: {
        Type: 'Task',
        Resource: 'arn:aws:states:::ecs:runTask.sync',
        Parameters: { LaunchType: 'FARGATE', NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: [groupId] } } },
        End: true,
      },
    },
  });
}

const TEMPLATE = JSON.stringify({
  Parameters: { AppGroups: { Type: 'List<AWS::EC2::SecurityGroup::Id>' } },
  Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
});

describe('configuration-only usage sources, in an audit of moto', () => {
  const ids: Record<string, string> = {};
  let report: AuditReport;

  const verdict = (name: string): ClassifiedGroup => {
    const found = report.regions[0]?.groups.find((g) => g.groupId === ids[name]);
    if (!found) throw new Error(`group ${name} not in the report`);
    return found;
  };

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    const ec2 = new EC2Client({ region: REGION });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc?.VpcId;
    for (const name of ['sfn-latest', 'sfn-version-1', 'stack-param-a', 'stack-param-b', 'rule-input', 'unused']) {
      ids[name] = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId ?? '';
    }

    // A state machine whose published version 1 names one group and whose latest definition another.
    const sfn = new SFNClient({ region: REGION });
    const machine = await sfn.send(
      new CreateStateMachineCommand({ name: 'nightly-report', definition: runTask(ids['sfn-version-1'] ?? ''), roleArn: `arn:aws:iam::${ACCOUNT}:role/sfn`, publish: true }),
    );
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machine.stateMachineArn, definition: runTask(ids['sfn-latest'] ?? '') }));

    // A live stack that was passed two groups in a List<AWS::EC2::SecurityGroup::Id> parameter.
    const cfn = new CloudFormationClient({ region: REGION });
    await cfn.send(
      new CreateStackCommand({ StackName: 'app', TemplateBody: TEMPLATE, Parameters: [{ ParameterKey: 'AppGroups', ParameterValue: `${ids['stack-param-a']},${ids['stack-param-b']}` }] }),
    );

    // An EventBridge rule whose Lambda target receives a group id in its input.
    const events = new EventBridgeClient({ region: REGION });
    await events.send(new PutRuleCommand({ Name: 'open-maintenance-port', ScheduleExpression: 'rate(1 day)', State: 'DISABLED' }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'open-maintenance-port',
        Targets: [{ Id: 'fn', Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:open-port`, Input: JSON.stringify({ groupId: ids['rule-input'] }) }],
      }),
    );

    const result = await runCliOnMoto(REGION, ['audit', '--regions', REGION, '--json', '--quiet', '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    report = JSON.parse(result.stdout) as AuditReport;
  }, 120_000);

  it('runs every source moto emulates without a failure, the new ones included', () => {
    const scans = report.regions[0]?.scans ?? [];
    expect(scans.filter((s) => s.status === 'failed')).toEqual([]);
    const newSources = ['step-functions', 'cloudformation-parameters', 'lambda-event-source-mappings', 'managed-flink'];
    expect(scans.filter((s) => newSources.includes(s.source)).map((s) => [s.source, s.status])).toEqual(newSources.map((s) => [s, 'ok']));
  });

  it('keeps a group named only by the latest state machine definition in use, naming the machine and state', () => {
    expect(verdict('sfn-latest').verdict).toBe('in-use');
    expect(verdict('sfn-latest').usages).toEqual([
      expect.objectContaining({ source: 'step-functions', resourceType: 'Step Functions state machine', resourceName: 'nightly-report', detail: expect.stringContaining('state RunReport') }),
    ]);
  });

  it('keeps a group named only by an older published version in use, naming the version', () => {
    expect(verdict('sfn-version-1').verdict).toBe('in-use');
    expect(verdict('sfn-version-1').usages).toEqual([
      expect.objectContaining({ source: 'step-functions', resourceId: expect.stringMatching(/:stateMachine:nightly-report:1$/), detail: expect.stringContaining('version 1') }),
    ]);
  });

  it('keeps both groups passed in a live stack parameter list in use, naming the stack and parameter', () => {
    for (const name of ['stack-param-a', 'stack-param-b']) {
      expect(verdict(name).verdict).toBe('in-use');
      expect(verdict(name).usages).toEqual([
        expect.objectContaining({ source: 'cloudformation-parameters', resourceType: 'CloudFormation stack', resourceName: 'app', detail: expect.stringContaining('parameter AppGroups') }),
      ]);
    }
  });

  it('keeps a group named only in a disabled rule target input in use', () => {
    expect(verdict('rule-input').verdict).toBe('in-use');
    expect(verdict('rule-input').usages).toEqual([
      expect.objectContaining({ source: 'ecs-scheduled-tasks', resourceType: 'EventBridge rule', resourceName: 'open-maintenance-port', detail: expect.stringContaining('$.Input.groupId') }),
    ]);
  });

  it('still makes a group that nothing names a candidate', () => {
    expect(verdict('unused').verdict).toBe('candidate');
  });
});
