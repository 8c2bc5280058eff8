import { LambdaClient, ListCapacityProvidersCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaScanner } from '../../../lambda/aws/scanners/lambda';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const lambda = mockClient(LambdaClient);

const FN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:billing-sync';

beforeEach(() => {
  lambda.reset();
  lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  lambda.on(ListCapacityProvidersCommand).resolves({ CapacityProviders: [] });
});

describe('lambda scanner', () => {
  it('marks a group used only by a function VpcConfig as in use, naming the function', async () => {
    // Prepare
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [{ FunctionName: 'billing-sync', FunctionArn: FN_ARN, Version: '$LATEST', VpcConfig: { SecurityGroupIds: ['sg-used'], SubnetIds: ['subnet-1'] } }],
    });

    // Act
    const result = await scanAndClassify(lambdaScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'lambda', resourceType: 'Lambda function', resourceId: FN_ARN, resourceName: 'billing-sync' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('lists every published version, whose VpcConfig can differ from $LATEST', async () => {
    // Prepare
    lambda.on(ListFunctionsCommand, { FunctionVersion: 'ALL' }).resolves({
      Functions: [
        { FunctionName: 'billing-sync', FunctionArn: FN_ARN, Version: '$LATEST', VpcConfig: { SecurityGroupIds: ['sg-new'] } },
        { FunctionName: 'billing-sync', FunctionArn: `${FN_ARN}:3`, Version: '3', VpcConfig: { SecurityGroupIds: ['sg-old'] } },
      ],
    });

    // Act
    const result = await scanAndClassify(lambdaScanner, [group('sg-new'), group('sg-old')]);

    // Assess
    expect(result.verdictOf('sg-old').verdict).toBe('in-use');
    expect(result.verdictOf('sg-old').usages[0]).toMatchObject({ resourceId: `${FN_ARN}:3`, detail: 'version 3' });
    expect(lambda).toHaveReceivedCommandWith(ListFunctionsCommand, { FunctionVersion: 'ALL', MaxItems: 50 });
  });

  it('follows NextMarker to the last page', async () => {
    // Prepare
    lambda
      .on(ListFunctionsCommand)
      .resolvesOnce({ Functions: [], NextMarker: 'page-2' })
      .resolvesOnce({ Functions: [{ FunctionName: 'late', FunctionArn: 'arn:late', VpcConfig: { SecurityGroupIds: ['sg-late'] } }] });

    // Act
    const result = await scanAndClassify(lambdaScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(lambda).toHaveReceivedNthCommandWith(2, ListFunctionsCommand, { Marker: 'page-2', FunctionVersion: 'ALL' });
  });

  it('marks a group used by a Lambda capacity provider as in use, following NextMarker', async () => {
    // Prepare
    const arn = 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:pool-a';
    lambda
      .on(ListCapacityProvidersCommand)
      .resolvesOnce({ CapacityProviders: [], NextMarker: 'cp-2' })
      .resolvesOnce({
        CapacityProviders: [
          {
            CapacityProviderArn: arn,
            State: 'Active',
            VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-pool'] },
            PermissionsConfig: { CapacityProviderOperatorRoleArn: 'arn:aws:iam::123456789012:role/op' },
          },
        ],
      });

    // Act
    const result = await scanAndClassify(lambdaScanner, [group('sg-pool')]);

    // Assess
    expect(result.verdictOf('sg-pool').usages[0]).toMatchObject({ resourceType: 'Lambda capacity provider', resourceId: arn, resourceName: 'pool-a' });
    expect(lambda).toHaveReceivedCommandWith(ListCapacityProvidersCommand, { Marker: 'cp-2', MaxItems: 50 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    lambda.on(ListFunctionsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(lambdaScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['lambda']);
  });
});
