import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudformationParametersScanner } from '../../../lambda/aws/scanners/cloudformation-parameters';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const cfn = mockClient(CloudFormationClient);

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/web/1a2b3c4d';
const WEB = 'sg-0a1b2c3d4e5f60718';
const DB = 'sg-0b1c2d3e';
const FREE = 'sg-0ffffffffffffffff';

function stack(overrides: Partial<Stack>): Stack {
  return { StackId: STACK_ID, StackName: 'web', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), ...overrides };
}

beforeEach(() => {
  cfn.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
});

describe('cloudformation-parameters scanner', () => {
  it('marks every group of a comma-separated group list parameter as in use, naming the stack and parameter', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ Parameters: [{ ParameterKey: 'InstanceGroups', ParameterValue: `${WEB},${DB}` }, { ParameterKey: 'Env', ParameterValue: 'prod' }] })] });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(WEB), group(DB), group(FREE)]);

    // Assess
    expect(result.verdictOf(WEB).verdict).toBe('in-use');
    expect(result.verdictOf(DB).verdict).toBe('in-use');
    expect(result.verdictOf(WEB).usages[0]).toMatchObject({ source: 'cloudformation-parameters', resourceType: 'CloudFormation stack', resourceId: STACK_ID, resourceName: 'web', detail: 'status UPDATE_COMPLETE, parameter InstanceGroups' });
    expect(result.verdictOf(FREE).verdict).toBe('candidate');
  });

  it('marks a group behind an SSM parameter-type value as in use, naming the SSM parameter', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ Parameters: [{ ParameterKey: 'WebGroup', ParameterValue: '/net/web-group', ResolvedValue: WEB }] })] });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(WEB)]);

    // Assess
    expect(result.verdictOf(WEB).verdict).toBe('in-use');
    expect(result.verdictOf(WEB).usages[0]?.detail).toBe('status UPDATE_COMPLETE, parameter WebGroup (resolved from SSM /net/web-group)');
  });

  it('ignores a deleted stack that the listing returns anyway', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackStatus: 'DELETE_COMPLETE', Parameters: [{ ParameterKey: 'G', ParameterValue: WEB }] })] });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(WEB)]);

    // Assess
    expect(result.verdictOf(WEB).verdict).toBe('candidate');
  });

  it('says in its note how many NoEcho values it could not read', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ Parameters: [{ ParameterKey: 'Secret', ParameterValue: '****' }, { ParameterKey: 'Token', ParameterValue: '****' }] })] });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(FREE)]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.scan.note).toBe('2 NoEcho parameter values are hidden by CloudFormation and could not be read');
  });

  it('follows NextToken to the last page of stacks', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stack({})], NextToken: 'page-2' })
      .resolvesOnce({ Stacks: [stack({ StackId: 'arn:late', StackName: 'late', Parameters: [{ ParameterKey: 'G', ParameterValue: WEB }] })] });

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(WEB)]);

    // Assess
    expect(result.verdictOf(WEB).verdict).toBe('in-use');
    expect(cfn).toHaveReceivedNthCommandWith(2, DescribeStacksCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown when CloudFormation denies access', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(awsError('AccessDenied'));

    // Act
    const result = await scanAndClassify(cloudformationParametersScanner, [group(FREE)]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf(FREE).verdict).toBe('unknown');
    expect(result.verdictOf(FREE).failedSources).toEqual(['cloudformation-parameters']);
  });
});
