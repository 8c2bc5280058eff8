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
  ListAgentRuntimeEndpointsCommand,
  ListAgentRuntimesCommand,
  ListBrowsersCommand,
  ListCapacityProvidersCommand,
  ListCodeInterpretersCommand,
  ListGatewayTargetsCommand,
  ListGatewaysCommand,
  ListHarnessesCommand,
  ListOauth2CredentialProvidersCommand,
  type Harness,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { mockClient } from 'aws-sdk-client-mock';
import { bedrockAgentCoreScanner } from '../../../lambda/aws/scanners/bedrock-agentcore';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ac = mockClient(BedrockAgentCoreControlClient);
const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012';
const AT = new Date('2026-01-01T00:00:00Z');
const SG_ARN = (id: string) => `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`;
const ENDPOINT = (ids: string[]) => ({ managedVpcResource: { vpcIdentifier: 'vpc-1', subnetIds: ['subnet-1'], endpointIpAddressType: 'IPV4' as const, securityGroupIds: ids } });
const PRIVATE = (ids: string[]) => ({ customJWTAuthorizer: { discoveryUrl: 'https://idp/.well-known/openid-configuration', privateEndpoint: ENDPOINT(ids) } });

beforeEach(() => {
  ac.reset();
  ac.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [] });
  ac.on(ListBrowsersCommand).resolves({ browserSummaries: [] });
  ac.on(ListCodeInterpretersCommand).resolves({ codeInterpreterSummaries: [] });
  ac.on(ListGatewaysCommand).resolves({ items: [] });
  ac.on(ListOauth2CredentialProvidersCommand).resolves({ credentialProviders: [] });
  ac.on(ListHarnessesCommand).resolves({ harnesses: [] });
  ac.on(ListCapacityProvidersCommand).resolves({ capacityProviders: [] });
  ac.on(ListAgentRuntimeEndpointsCommand).resolves({ runtimeEndpoints: [] });
});

function runtime(version: string) {
  return { agentRuntimeArn: `${ARN}:runtime/agent-1`, agentRuntimeId: 'agent-1', agentRuntimeVersion: version, agentRuntimeName: 'agent', description: '', lastUpdatedAt: AT, status: 'READY' as const };
}

describe('bedrock-agentcore scanner', () => {
  it('marks a group held only by a runtime in VPC mode as in use, naming the runtime', async () => {
    // Prepare
    ac.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [runtime('3')] });
    ac.on(GetAgentRuntimeCommand, { agentRuntimeId: 'agent-1' }).resolves({
      agentRuntimeId: 'agent-1',
      networkConfiguration: { networkMode: 'VPC', networkModeConfig: { securityGroups: ['sg-rt'], subnets: ['subnet-1'] } },
    });

    // Act
    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-rt'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-rt').verdict).toBe('in-use');
    expect(result.verdictOf('sg-rt').usages[0]).toMatchObject({
      source: 'bedrock-agentcore',
      resourceType: 'Bedrock AgentCore runtime',
      resourceId: `${ARN}:runtime/agent-1`,
      resourceName: 'agent',
      detail: 'latest version 3, status READY',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads the older runtime version an endpoint still serves', async () => {
    ac.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [runtime('3')] });
    ac.on(GetAgentRuntimeCommand).resolves({ networkConfiguration: { networkMode: 'PUBLIC' } });
    ac.on(GetAgentRuntimeCommand, { agentRuntimeId: 'agent-1', agentRuntimeVersion: '2' }).resolves({
      networkConfiguration: { networkMode: 'VPC', networkModeConfig: { securityGroups: ['sg-v2'], subnets: ['subnet-1'] } },
    });
    ac.on(ListAgentRuntimeEndpointsCommand, { agentRuntimeId: 'agent-1' }).resolves({
      runtimeEndpoints: [{ name: 'prod', liveVersion: '2', targetVersion: '3', agentRuntimeEndpointArn: `${ARN}:runtime/agent-1/runtime-endpoint/prod`, agentRuntimeArn: `${ARN}:runtime/agent-1`, status: 'READY', id: 'prod', createdAt: AT, lastUpdatedAt: AT }],
    });

    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-v2')]);

    expect(result.verdictOf('sg-v2').usages[0]).toMatchObject({ resourceId: `${ARN}:runtime/agent-1:2`, detail: 'version 2, served by an endpoint' });
  });

  it('marks groups held by a custom browser, a code interpreter, a capacity provider and a harness as in use', async () => {
    ac.on(ListBrowsersCommand, { type: 'CUSTOM' }).resolves({ browserSummaries: [{ browserId: 'b-1', browserArn: `${ARN}:browser-custom/b-1`, status: 'READY', createdAt: AT }] });
    ac.on(GetBrowserCommand).resolves({ networkConfiguration: { networkMode: 'VPC', vpcConfig: { securityGroups: ['sg-browser'], subnets: ['subnet-1'] } } });
    ac.on(ListCodeInterpretersCommand, { type: 'CUSTOM' }).resolves({ codeInterpreterSummaries: [{ codeInterpreterId: 'c-1', codeInterpreterArn: `${ARN}:code-interpreter-custom/c-1`, status: 'READY', createdAt: AT }] });
    ac.on(GetCodeInterpreterCommand).resolves({ networkConfiguration: { networkMode: 'VPC', vpcConfig: { securityGroups: ['sg-code'], subnets: ['subnet-1'] } } });
    ac.on(ListCapacityProvidersCommand).resolves({ capacityProviders: [{ capacityProviderId: 'cp-1', capacityProviderArn: `${ARN}:capacity-provider/cp-1`, name: 'cp', status: 'READY', lastUpdatedAt: AT }] });
    ac.on(GetCapacityProviderCommand).resolves({ computeConfiguration: { ec2Configuration: { launchTemplateSource: { launchParameters: { operatingSystem: 'LINUX_X86_64', instanceRequirements: { allowedInstanceTypes: ['m7i.large'] } } }, vpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-cap'] } } } });
    ac.on(ListHarnessesCommand).resolves({ harnesses: [{ harnessId: 'h-1', harnessName: 'h', arn: `${ARN}:harness/h-1`, status: 'READY', createdAt: AT, updatedAt: AT }] });
    // Only the harness fields the scanner reads (the response's other required fields are omitted).
    const harness = { environment: { agentCoreRuntimeEnvironment: { agentRuntimeArn: `${ARN}:runtime/h-rt`, agentRuntimeName: 'h-rt', agentRuntimeId: 'h-rt', lifecycleConfiguration: {}, networkConfiguration: { networkMode: 'VPC', networkModeConfig: { securityGroups: ['sg-harness'], subnets: ['subnet-1'] } } } } };
    ac.on(GetHarnessCommand).resolves({ harness: harness as unknown as Harness });

    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-browser'), group('sg-code'), group('sg-cap'), group('sg-harness')]);

    expect(result.verdictOf('sg-browser').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore browser' });
    expect(result.verdictOf('sg-code').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore code interpreter' });
    expect(result.verdictOf('sg-cap').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore capacity provider' });
    expect(result.verdictOf('sg-harness').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore harness' });
  });

  it('marks groups written as ARNs in gateway, gateway target and OAuth2 provider private endpoints as in use', async () => {
    ac.on(ListGatewaysCommand).resolves({ items: [{ gatewayId: 'gw-1', name: 'gw', status: 'READY', createdAt: AT, updatedAt: AT, authorizerType: 'CUSTOM_JWT' }] });
    ac.on(GetGatewayCommand).resolves({ authorizerConfiguration: PRIVATE([SG_ARN('sg-0a1b2c3d')]) });
    ac.on(ListGatewayTargetsCommand, { gatewayIdentifier: 'gw-1' }).resolves({ items: [{ targetId: 't-1', name: 't', status: 'READY', createdAt: AT, updatedAt: AT }] });
    ac.on(GetGatewayTargetCommand, { gatewayIdentifier: 'gw-1', targetId: 't-1' }).resolves({ privateEndpoint: ENDPOINT([SG_ARN('sg-0e0f0a0b')]) });
    ac.on(ListOauth2CredentialProvidersCommand).resolves({ credentialProviders: [{ name: 'idp', credentialProviderVendor: 'CustomOauth2', credentialProviderArn: `${ARN}:token-vault/default/oauth2credentialprovider/idp`, createdTime: AT, lastUpdatedTime: AT }] });
    ac.on(GetOauth2CredentialProviderCommand, { name: 'idp' }).resolves({
      oauth2ProviderConfigOutput: { customOauth2ProviderConfig: { oauthDiscovery: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration' }, privateEndpointOverrides: [{ domain: 'idp.example.com', privateEndpoint: ENDPOINT(['sg-0c0c0c0c']) }] } },
    });

    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-0a1b2c3d'), group('sg-0e0f0a0b'), group('sg-0c0c0c0c')]);

    expect(result.verdictOf('sg-0a1b2c3d').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore gateway', resourceId: 'gw-1' });
    expect(result.verdictOf('sg-0e0f0a0b').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore gateway target', resourceId: 'gw-1/t-1' });
    expect(result.verdictOf('sg-0c0c0c0c').usages[0]).toMatchObject({ resourceType: 'Bedrock AgentCore OAuth2 credential provider' });
  });

  it('follows nextToken at the largest page each listing allows', async () => {
    ac.on(ListGatewaysCommand).resolvesOnce({ items: [], nextToken: 'g2' }).resolvesOnce({ items: [] });
    ac.on(ListOauth2CredentialProvidersCommand).resolvesOnce({ credentialProviders: [], nextToken: 'o2' }).resolvesOnce({ credentialProviders: [] });
    ac.on(ListAgentRuntimesCommand).resolvesOnce({ agentRuntimes: [], nextToken: 'r2' }).resolvesOnce({ agentRuntimes: [runtime('1')] });
    ac.on(GetAgentRuntimeCommand).resolves({ networkConfiguration: { networkMode: 'VPC', networkModeConfig: { securityGroups: ['sg-late'], subnets: ['subnet-1'] } } });

    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ac).toHaveReceivedCommandWith(ListAgentRuntimesCommand, { maxResults: 100, nextToken: 'r2' });
    expect(ac).toHaveReceivedCommandWith(ListGatewaysCommand, { maxResults: 1000, nextToken: 'g2' });
    expect(ac).toHaveReceivedCommandWith(ListOauth2CredentialProvidersCommand, { maxResults: 20, nextToken: 'o2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ac.on(ListHarnessesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(bedrockAgentCoreScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
