import { DescribeStateMachineCommand, ListStateMachinesCommand, ListStateMachineVersionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { stepFunctionsScanner } from '../../../lambda/aws/scanners/step-functions';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const sfn = mockClient(SFNClient);

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly';
const USED = 'sg-0a1b2c3d4e5f60718';
const FREE = 'sg-0ffffffffffffffff';

/** An ASL definition whose RunTask state starts a Fargate task in the given groups. */
function runTaskDefinition(groupIds: string[]): string {
  return JSON.stringify({
    StartAt: 'RunTask',
    States: {
      RunTask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::ecs:runTask.sync',
        Parameters: { LaunchType: 'FARGATE', NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: groupIds } } },
        End: true,
      },
    },
  });
}

beforeEach(() => {
  sfn.reset();
  sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [{ stateMachineArn: ARN, name: 'nightly', type: 'STANDARD', creationDate: new Date() }] });
  sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN, name: 'nightly', type: 'STANDARD', definition: runTaskDefinition([USED]), roleArn: 'arn:role', creationDate: new Date() });
  sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
});

describe('step-functions scanner', () => {
  it('marks a group named only in a state machine definition as in use, naming the machine, the state and the path', async () => {
    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(USED), group(FREE)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(USED).usages[0]).toMatchObject({ source: 'step-functions', resourceType: 'Step Functions state machine', resourceId: ARN, resourceName: 'nightly' });
    expect(result.verdictOf(USED).usages[0]?.detail).toBe('STANDARD, state RunTask, at $.States.RunTask.Parameters.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
    expect(sfn).toHaveReceivedCommandWith(DescribeStateMachineCommand, { stateMachineArn: ARN });
  });

  it('names the enclosing states of a place inside a Map state', async () => {
    // Prepare
    const definition = JSON.stringify({
      StartAt: 'Fanout',
      States: { Fanout: { Type: 'Map', ItemProcessor: { StartAt: 'Launch', States: { Launch: { Type: 'Task', Arguments: { SecurityGroupIds: [USED] }, End: true } } }, End: true } },
    });
    sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN, name: 'nightly', definition, roleArn: 'arn:role', creationDate: new Date() });

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(USED)]);

    // Assess
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('state Fanout > Launch');
  });

  it('marks a group named only by an older published version as in use, naming the version', async () => {
    // Prepare
    const v1 = `${ARN}:1`;
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [{ stateMachineVersionArn: v1, creationDate: new Date() }] });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: ARN }).resolves({ stateMachineArn: ARN, name: 'nightly', definition: runTaskDefinition([]), roleArn: 'r', creationDate: new Date() });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: v1 }).resolves({ stateMachineArn: v1, name: 'nightly', definition: runTaskDefinition([USED]), roleArn: 'r', creationDate: new Date() });

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(USED)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(result.verdictOf(USED).usages[0]).toMatchObject({ resourceId: v1, resourceName: 'nightly' });
    expect(result.verdictOf(USED).usages[0]?.detail).toContain('version 1');
    expect(sfn).toHaveReceivedCommandWith(ListStateMachineVersionsCommand, { stateMachineArn: ARN, maxResults: 1000 });
  });

  it('follows nextToken through machines and versions, 1000 per page', async () => {
    // Prepare
    const late = 'arn:aws:states:us-east-1:123456789012:stateMachine:late';
    sfn.on(ListStateMachinesCommand).resolvesOnce({ stateMachines: [], nextToken: 'machines-2' }).resolvesOnce({ stateMachines: [{ stateMachineArn: late, name: 'late', type: 'EXPRESS', creationDate: new Date() }] });
    sfn.on(ListStateMachineVersionsCommand).resolvesOnce({ stateMachineVersions: [], nextToken: 'versions-2' }).resolvesOnce({ stateMachineVersions: [{ stateMachineVersionArn: `${late}:7`, creationDate: new Date() }] });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: late }).resolves({ stateMachineArn: late, name: 'late', definition: runTaskDefinition([]), roleArn: 'r', creationDate: new Date() });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: `${late}:7` }).resolves({ stateMachineArn: `${late}:7`, name: 'late', definition: runTaskDefinition([USED]), roleArn: 'r', creationDate: new Date() });

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(USED)]);

    // Assess
    expect(result.verdictOf(USED).verdict).toBe('in-use');
    expect(sfn).toHaveReceivedNthCommandWith(2, ListStateMachinesCommand, { nextToken: 'machines-2', maxResults: 1000 });
    expect(sfn).toHaveReceivedCommandWith(ListStateMachineVersionsCommand, { stateMachineArn: late, nextToken: 'versions-2', maxResults: 1000 });
  });

  it('passes over a state machine deleted between the listing and its describe', async () => {
    // Prepare
    sfn.on(DescribeStateMachineCommand).rejects(awsError('StateMachineDoesNotExist'));

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(FREE)]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
    expect(sfn).toHaveReceivedCommandTimes(ListStateMachineVersionsCommand, 0);
  });

  it('makes otherwise-unproven groups unknown when a definition cannot be decrypted', async () => {
    // Prepare
    sfn.on(DescribeStateMachineCommand).rejects(awsError('KmsAccessDeniedException'));

    // Act
    const result = await scanAndClassify(stepFunctionsScanner, [group(FREE)]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('KmsAccessDeniedException');
    expect(result.verdictOf(FREE).verdict).toBe('unknown');
    expect(result.verdictOf(FREE).failedSources).toEqual(['step-functions']);
  });
});
