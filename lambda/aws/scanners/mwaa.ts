import { GetEnvironmentCommand, MWAAClient, paginateListEnvironments, type Environment } from '@aws-sdk/client-mwaa';
import type { Scanner } from './types';
import { isNamed } from '../errors';

/**
 * MWAA (Managed Airflow) environments. ListEnvironments returns names only and there is no bulk
 * form, so one GetEnvironment per environment (SOURCES.md). IAM prefix is `airflow`. The client
 * factory sets disableHostPrefix when AWS_ENDPOINT_URL is set (the operations carry an "api."
 * host prefix).
 */
export const mwaaScanner: Scanner = {
  source: 'mwaa',
  service: 'mwaa',
  covers: ['AWS::MWAA::Environment'],
  actions: ['airflow:ListEnvironments', 'airflow:GetEnvironment'],
  async scan(clients, _region, ctx) {
    const mwaa = clients.get(MWAAClient);
    // ListEnvironments allows 1–25 per page.
    for await (const page of paginateListEnvironments({ client: mwaa, pageSize: 25 }, {})) {
      for (const name of page.Environments ?? []) {
        let environment: Environment | undefined;
        try {
          ({ Environment: environment } = await mwaa.send(new GetEnvironmentCommand({ Name: name })));
        } catch (error) {
          // Only an environment deleted between the list and the get is skipped: it holds no group.
          if (isNamed(error, 'ResourceNotFoundException')) continue;
          throw error;
        }
        ctx.found(environment?.NetworkConfiguration?.SecurityGroupIds, {
          resourceType: 'MWAA environment',
          resourceId: environment?.Arn ?? name,
          resourceName: name,
          detail: [`status ${environment?.Status ?? 'unknown'}`, environment?.AirflowVersion ? `Airflow ${environment.AirflowVersion}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }
  },
};
