import { LambdaClient, paginateListCapacityProviders, paginateListFunctions } from '@aws-sdk/client-lambda';
import type { Scanner } from './types';

/**
 * Lambda VpcConfig of every function version (published versions keep their own VpcConfig, and
 * an alias may still route to one), plus Lambda capacity providers.
 */
export const lambdaScanner: Scanner = {
  source: 'lambda',
  service: 'lambda',
  covers: ['AWS::Lambda::Function', 'AWS::Lambda::CapacityProvider', 'AWS::Serverless::Function', 'AWS::SecretsManager::RotationSchedule'],
  actions: ['lambda:ListFunctions', 'lambda:ListCapacityProviders'],
  async scan(clients, _region, ctx) {
    const lambda = clients.get(LambdaClient);

    // MaxItems is modelled up to 10000 but the service returns at most 50 per page.
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 50 }, { FunctionVersion: 'ALL' })) {
      for (const fn of page.Functions ?? []) {
        ctx.found(fn.VpcConfig?.SecurityGroupIds, {
          resourceType: 'Lambda function',
          resourceId: fn.FunctionArn ?? fn.FunctionName ?? 'unknown',
          resourceName: fn.FunctionName,
          detail: [`version ${fn.Version ?? '$LATEST'}`, fn.State ? `state ${fn.State}` : undefined].filter(Boolean).join(', '),
        });
      }
    }

    for await (const page of paginateListCapacityProviders({ client: lambda, pageSize: 50 }, {})) {
      for (const provider of page.CapacityProviders ?? []) {
        const arn = provider.CapacityProviderArn ?? 'unknown';
        ctx.found(provider.VpcConfig?.SecurityGroupIds, {
          resourceType: 'Lambda capacity provider',
          resourceId: arn,
          resourceName: arn.slice(arn.lastIndexOf(':') + 1),
          detail: provider.State ? `state ${provider.State}` : undefined,
        });
      }
    }
  },
};
