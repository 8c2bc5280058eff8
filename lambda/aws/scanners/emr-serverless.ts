import { EMRServerlessClient, GetApplicationCommand, paginateListApplications, type Application } from '@aws-sdk/client-emr-serverless';
import type { Scanner } from './types';
import { isNamed } from '../errors';

/**
 * EMR Serverless applications. The listing carries no network configuration, so each live
 * application is read (no bulk form). Running jobs' ENIs are the network-interfaces source's.
 */
export const emrServerlessScanner: Scanner = {
  source: 'emr-serverless',
  service: 'emr-serverless',
  covers: ['AWS::EMRServerless::Application'],
  actions: ['emr-serverless:ListApplications', 'emr-serverless:GetApplication'],
  async scan(clients, _region, ctx) {
    const emr = clients.get(EMRServerlessClient);
    for await (const page of paginateListApplications({ client: emr, pageSize: 50 }, {})) {
      for (const summary of page.applications ?? []) {
        // A terminated application is deleted for good and can never start again.
        if (!summary.id || summary.state === 'TERMINATED') continue;
        const app = await getApplication(emr, summary.id);
        if (!app) continue;
        ctx.found(app.networkConfiguration?.securityGroupIds, {
          resourceType: 'EMR Serverless application',
          resourceId: app.arn ?? summary.arn ?? summary.id,
          resourceName: app.name ?? summary.name,
          detail: `${app.type ?? summary.type ?? 'unknown type'}, release ${app.releaseLabel ?? summary.releaseLabel ?? '?'}, state ${app.state ?? 'unknown'}`,
        });
      }
    }
  },
};

/** Reads one application; undefined only when it was deleted between ListApplications and now. */
async function getApplication(emr: EMRServerlessClient, applicationId: string): Promise<Application | undefined> {
  try {
    return (await emr.send(new GetApplicationCommand({ applicationId }))).application;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
