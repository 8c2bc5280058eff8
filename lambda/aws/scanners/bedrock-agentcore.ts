import {
  BedrockAgentCoreControlClient,
  GetAgentRuntimeCommand,
  GetBrowserCommand,
  GetCapacityProviderCommand,
  GetCodeInterpreterCommand,
  GetGatewayCommand,
  GetGatewayTargetCommand,
  GetHarnessCommand,
  GetOauth2CredentialProviderCommand,
  paginateListAgentRuntimeEndpoints,
  paginateListAgentRuntimes,
  paginateListBrowsers,
  paginateListCapacityProviders,
  paginateListCodeInterpreters,
  paginateListGatewayTargets,
  paginateListGateways,
  paginateListHarnesses,
  paginateListOauth2CredentialProviders,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Evidence, ScanContext, Scanner } from './types';

// Amazon Bedrock AgentCore Control API reference and botocore 1.43.11's model (IAM prefix
// `bedrock-agentcore`, checked against the IAM service reference data):
// - ListAgentRuntimes 1–100 -> GetAgentRuntime(agentRuntimeId[, agentRuntimeVersion]):
//   networkConfiguration.networkModeConfig.securityGroups and the JWT authorizer's
//   privateEndpoint(.Overrides[]).managedVpcResource.securityGroupIds. Endpoints
//   (ListAgentRuntimeEndpoints 1–100) serve a liveVersion/targetVersion that may be older than the
//   latest, with other groups: those versions are read too.
// - ListBrowsers / ListCodeInterpreters (type CUSTOM; 1–100) -> GetBrowser / GetCodeInterpreter:
//   networkConfiguration.vpcConfig.securityGroups. The SYSTEM ones are AWS's, without a VPC.
// - ListGateways 1–1000 -> GetGateway (authorizer private endpoints); ListGatewayTargets 1–1000
//   -> GetGatewayTarget: privateEndpoint.managedVpcResource.securityGroupIds.
// - ListOauth2CredentialProviders 1–20 -> GetOauth2CredentialProvider(name):
//   oauth2ProviderConfigOutput.customOauth2ProviderConfig.privateEndpoint(.Overrides[]).
// - ListHarnesses 1–100 -> GetHarness: harness.environment...networkModeConfig.securityGroups and
//   the authorizer private endpoints.
// - ListCapacityProviders 1–100 (API reference) -> GetCapacityProvider:
//   computeConfiguration.ec2Configuration.vpcConfiguration.securityGroups.
// None of the List calls carries the configuration, so one Get per resource (no bulk form).
// Every Get output is read for any field naming security groups (ids or ARNs).
const PAGE_SIZE = 100;

type Describe = () => Promise<unknown>;

async function record(ctx: ScanContext, get: Describe, evidence: Evidence): Promise<void> {
  const resource = await unlessGone(get);
  if (resource !== undefined) ctx.found(groupRefsIn(resource), evidence);
}

/** Bedrock AgentCore runtimes, browsers, code interpreters, gateways and targets, OAuth2 providers, harnesses and capacity providers in a VPC. */
export const bedrockAgentCoreScanner: Scanner = {
  source: 'bedrock-agentcore',
  service: 'bedrock-agentcore',
  covers: [
    'AWS::BedrockAgentCore::Runtime',
    'AWS::BedrockAgentCore::BrowserCustom',
    'AWS::BedrockAgentCore::CodeInterpreterCustom',
    'AWS::BedrockAgentCore::Gateway',
    'AWS::BedrockAgentCore::GatewayTarget',
    'AWS::BedrockAgentCore::OAuth2CredentialProvider',
    'AWS::BedrockAgentCore::Harness',
    'AWS::BedrockAgentCore::CapacityProvider',
  ],
  actions: [
    'bedrock-agentcore:ListAgentRuntimes',
    'bedrock-agentcore:ListAgentRuntimeEndpoints',
    'bedrock-agentcore:GetAgentRuntime',
    'bedrock-agentcore:ListBrowsers',
    'bedrock-agentcore:GetBrowser',
    'bedrock-agentcore:ListCodeInterpreters',
    'bedrock-agentcore:GetCodeInterpreter',
    'bedrock-agentcore:ListGateways',
    'bedrock-agentcore:GetGateway',
    'bedrock-agentcore:ListGatewayTargets',
    'bedrock-agentcore:GetGatewayTarget',
    'bedrock-agentcore:ListOauth2CredentialProviders',
    'bedrock-agentcore:GetOauth2CredentialProvider',
    'bedrock-agentcore:ListHarnesses',
    'bedrock-agentcore:GetHarness',
    'bedrock-agentcore:ListCapacityProviders',
    'bedrock-agentcore:GetCapacityProvider',
  ],
  async scan(clients, _region, ctx) {
    const ac = clients.get(BedrockAgentCoreControlClient);
    const paging = { client: ac, pageSize: PAGE_SIZE };

    for await (const page of paginateListAgentRuntimes(paging, {})) {
      for (const runtime of page.agentRuntimes ?? []) {
        const agentRuntimeId = runtime.agentRuntimeId;
        if (!agentRuntimeId) continue;
        const base = { resourceType: 'Bedrock AgentCore runtime', resourceId: runtime.agentRuntimeArn ?? agentRuntimeId, ...(runtime.agentRuntimeName ? { resourceName: runtime.agentRuntimeName } : {}) };
        await record(ctx, () => ac.send(new GetAgentRuntimeCommand({ agentRuntimeId })), { ...base, detail: `latest version ${runtime.agentRuntimeVersion ?? '?'}, status ${runtime.status ?? 'unknown'}` });
        const served = new Set<string>();
        for await (const endpoints of paginateListAgentRuntimeEndpoints(paging, { agentRuntimeId })) {
          for (const endpoint of endpoints.runtimeEndpoints ?? []) {
            for (const version of [endpoint.liveVersion, endpoint.targetVersion]) {
              if (version && version !== runtime.agentRuntimeVersion) served.add(version);
            }
          }
        }
        for (const agentRuntimeVersion of served) {
          await record(ctx, () => ac.send(new GetAgentRuntimeCommand({ agentRuntimeId, agentRuntimeVersion })), { ...base, resourceId: `${base.resourceId}:${agentRuntimeVersion}`, detail: `version ${agentRuntimeVersion}, served by an endpoint` });
        }
      }
    }

    for await (const page of paginateListBrowsers(paging, { type: 'CUSTOM' })) {
      for (const browser of page.browserSummaries ?? []) {
        const browserId = browser.browserId;
        if (!browserId) continue;
        await record(ctx, () => ac.send(new GetBrowserCommand({ browserId })), {
          resourceType: 'Bedrock AgentCore browser',
          resourceId: browser.browserArn ?? browserId,
          ...(browser.name ? { resourceName: browser.name } : {}),
          detail: `status ${browser.status ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListCodeInterpreters(paging, { type: 'CUSTOM' })) {
      for (const interpreter of page.codeInterpreterSummaries ?? []) {
        const codeInterpreterId = interpreter.codeInterpreterId;
        if (!codeInterpreterId) continue;
        await record(ctx, () => ac.send(new GetCodeInterpreterCommand({ codeInterpreterId })), {
          resourceType: 'Bedrock AgentCore code interpreter',
          resourceId: interpreter.codeInterpreterArn ?? codeInterpreterId,
          ...(interpreter.name ? { resourceName: interpreter.name } : {}),
          detail: `status ${interpreter.status ?? 'unknown'}`,
        });
      }
    }

    const gatewayPaging = { client: ac, pageSize: 1000 };
    for await (const page of paginateListGateways(gatewayPaging, {})) {
      for (const gateway of page.items ?? []) {
        const gatewayIdentifier = gateway.gatewayId;
        if (!gatewayIdentifier) continue;
        await record(ctx, () => ac.send(new GetGatewayCommand({ gatewayIdentifier })), {
          resourceType: 'Bedrock AgentCore gateway',
          resourceId: gatewayIdentifier,
          ...(gateway.name ? { resourceName: gateway.name } : {}),
          detail: `status ${gateway.status ?? 'unknown'}`,
        });
        for await (const targets of paginateListGatewayTargets(gatewayPaging, { gatewayIdentifier })) {
          for (const target of targets.items ?? []) {
            const targetId = target.targetId;
            if (!targetId) continue;
            await record(ctx, () => ac.send(new GetGatewayTargetCommand({ gatewayIdentifier, targetId })), {
              resourceType: 'Bedrock AgentCore gateway target',
              resourceId: `${gatewayIdentifier}/${targetId}`,
              ...(target.name ? { resourceName: target.name } : {}),
              detail: `gateway ${gateway.name ?? gatewayIdentifier}, status ${target.status ?? 'unknown'}`,
            });
          }
        }
      }
    }

    for await (const page of paginateListOauth2CredentialProviders({ client: ac, pageSize: 20 }, {})) {
      for (const provider of page.credentialProviders ?? []) {
        const name = provider.name;
        if (!name) continue;
        await record(ctx, () => ac.send(new GetOauth2CredentialProviderCommand({ name })), {
          resourceType: 'Bedrock AgentCore OAuth2 credential provider',
          resourceId: provider.credentialProviderArn ?? name,
          resourceName: name,
          detail: `vendor ${provider.credentialProviderVendor ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListHarnesses(paging, {})) {
      for (const harness of page.harnesses ?? []) {
        const harnessId = harness.harnessId;
        if (!harnessId) continue;
        await record(ctx, () => ac.send(new GetHarnessCommand({ harnessId })), {
          resourceType: 'Bedrock AgentCore harness',
          resourceId: harness.arn ?? harnessId,
          ...(harness.harnessName ? { resourceName: harness.harnessName } : {}),
          detail: `status ${harness.status ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListCapacityProviders(paging, {})) {
      for (const provider of page.capacityProviders ?? []) {
        const capacityProviderId = provider.capacityProviderId;
        if (!capacityProviderId) continue;
        await record(ctx, () => ac.send(new GetCapacityProviderCommand({ capacityProviderId })), {
          resourceType: 'Bedrock AgentCore capacity provider',
          resourceId: provider.capacityProviderArn ?? capacityProviderId,
          ...(provider.name ? { resourceName: provider.name } : {}),
          detail: `status ${provider.status ?? 'unknown'}`,
        });
      }
    }
  },
};
