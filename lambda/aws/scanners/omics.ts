import { GetConfigurationCommand, OmicsClient, paginateListConfigurations } from '@aws-sdk/client-omics';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// AWS HealthOmics API reference and botocore 1.43.11's model:
// - ListConfigurations: maxResults 1–10, startingToken -> nextToken; items[].{name, arn, status}.
// - GetConfiguration(name): runConfigurations.vpcConfig.securityGroupIds (runs started with the
//   configuration get interfaces in the VPC; between runs the configuration alone holds the groups).
// - IAM: omics:ListConfigurations, omics:GetConfiguration.

/** HealthOmics configurations (VPC networking for workflow runs). */
export const omicsScanner: Scanner = {
  source: 'omics',
  service: 'omics',
  covers: ['AWS::Omics::Configuration'],
  actions: ['omics:ListConfigurations', 'omics:GetConfiguration'],
  async scan(clients, _region, ctx) {
    const omics = clients.get(OmicsClient);
    for await (const page of paginateListConfigurations({ client: omics, pageSize: 10 }, {})) {
      for (const item of page.items ?? []) {
        const name = item.name;
        if (!name) continue;
        const configuration = await unlessGone(() => omics.send(new GetConfigurationCommand({ name })));
        if (!configuration) continue;
        ctx.found(groupRefsIn(configuration.runConfigurations), {
          resourceType: 'HealthOmics configuration',
          resourceId: configuration.arn ?? item.arn ?? name,
          resourceName: name,
          detail: `status ${configuration.status ?? item.status ?? 'unknown'}`,
        });
      }
    }
  },
};
