import { GetInfrastructureConfigurationCommand, ImagebuilderClient, paginateListInfrastructureConfigurations } from '@aws-sdk/client-imagebuilder';
import { isNamed } from '../errors';
import type { Scanner } from './types';

// Confirmed in the EC2 Image Builder API reference and botocore 1.43.11's model:
// - ListInfrastructureConfigurations: maxResults 1-25, nextToken; the summaries carry no groups.
// - GetInfrastructureConfiguration(infrastructureConfigurationArn):
//   infrastructureConfiguration.securityGroupIds[] (and subnetId, instanceTypes).
// - A configuration deleted after the listing: ResourceNotFoundException.
// - IAM: imagebuilder:ListInfrastructureConfigurations, imagebuilder:GetInfrastructureConfiguration.
const PAGE_SIZE = 25;

/**
 * EC2 Image Builder infrastructure configurations: the build and test instances exist only while
 * a pipeline runs, so between builds the configuration is the only evidence. The summaries carry
 * no groups: each configuration is read (no bulk form).
 */
export const imageBuilderScanner: Scanner = {
  source: 'image-builder',
  service: 'imagebuilder',
  covers: ['AWS::ImageBuilder::InfrastructureConfiguration'],
  actions: ['imagebuilder:ListInfrastructureConfigurations', 'imagebuilder:GetInfrastructureConfiguration'],
  async scan(clients, _region, ctx) {
    const imagebuilder = clients.get(ImagebuilderClient);
    for await (const page of paginateListInfrastructureConfigurations({ client: imagebuilder, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.infrastructureConfigurationSummaryList ?? []) {
        if (!summary.arn) continue;
        let config;
        try {
          config = (await imagebuilder.send(new GetInfrastructureConfigurationCommand({ infrastructureConfigurationArn: summary.arn }))).infrastructureConfiguration;
        } catch (error) {
          // Only a configuration deleted between the listing and here is skipped.
          if (isNamed(error, 'ResourceNotFoundException')) continue;
          throw error;
        }
        ctx.found(config?.securityGroupIds, {
          resourceType: 'Image Builder infrastructure configuration',
          resourceId: config?.arn ?? summary.arn,
          resourceName: config?.name ?? summary.name,
          detail: ['build and test instances run only during builds', config?.subnetId ? `subnet ${config.subnetId}` : undefined].filter(Boolean).join(', '),
        });
      }
    }
  },
};
