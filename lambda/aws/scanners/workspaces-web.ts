import { GetNetworkSettingsCommand, paginateListNetworkSettings, WorkSpacesWebClient, type NetworkSettings } from '@aws-sdk/client-workspaces-web';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the Amazon WorkSpaces Secure Browser (workspaces-web) API reference and botocore's
// model:
// - ListNetworkSettings: maxResults (minimum 1, no documented maximum: not passed, the service
//   pages), nextToken; summaries carry networkSettingsArn and vpcId only, so each is read with
//   GetNetworkSettings (no bulk form).
// - GetNetworkSettings(networkSettingsArn) -> networkSettings.{securityGroupIds, subnetIds, vpcId,
//   associatedPortalArns}.
// - IAM: workspaces-web:ListNetworkSettings, workspaces-web:GetNetworkSettings.

/**
 * WorkSpaces Secure Browser network settings: the groups of the browser sessions' interfaces,
 * held by the settings (and their portals) while no session runs.
 */
export const workspacesWebScanner: Scanner = {
  source: 'workspaces-web',
  service: 'workspaces-web',
  covers: ['AWS::WorkSpacesWeb::NetworkSettings'],
  actions: ['workspaces-web:ListNetworkSettings', 'workspaces-web:GetNetworkSettings'],
  async scan(clients, _region, ctx) {
    const web = clients.get(WorkSpacesWebClient);
    for await (const page of paginateListNetworkSettings({ client: web }, {})) {
      for (const summary of page.networkSettings ?? []) {
        if (!summary.networkSettingsArn) continue;
        const settings = await getNetworkSettings(web, summary.networkSettingsArn);
        if (!settings) continue;
        const portals = settings.associatedPortalArns?.length ?? 0;
        ctx.found(settings.securityGroupIds, {
          resourceType: 'WorkSpaces Secure Browser network settings',
          resourceId: summary.networkSettingsArn,
          detail: [settings.vpcId ? `VPC ${settings.vpcId}` : undefined, `${portals} portal${portals === 1 ? '' : 's'}`].filter(Boolean).join(', '),
        });
      }
    }
  },
};

/** Reads one settings object; undefined only when it was deleted between the listing and now. */
async function getNetworkSettings(web: WorkSpacesWebClient, networkSettingsArn: string): Promise<NetworkSettings | undefined> {
  try {
    return (await web.send(new GetNetworkSettingsCommand({ networkSettingsArn }))).networkSettings;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
