import { AmpClient, paginateListScrapers } from '@aws-sdk/client-amp';
import { groupRefsIn } from './group-fields';
import type { Scanner } from './types';

// Amazon Managed Service for Prometheus API reference and botocore 1.43.11's model:
// - ListScrapers: maxResults 1–1000, nextToken; scrapers[] carry source.eksConfiguration.securityGroupIds
//   and source.vpcConfiguration.securityGroupIds (no per-scraper call).
// - IAM: aps:ListScrapers.

/** Managed Prometheus scrapers (agentless collectors for EKS clusters and VPC sources). */
export const apsScrapersScanner: Scanner = {
  source: 'aps-scrapers',
  service: 'aps',
  covers: ['AWS::APS::Scraper'],
  actions: ['aps:ListScrapers'],
  async scan(clients, _region, ctx) {
    const aps = clients.get(AmpClient);
    for await (const page of paginateListScrapers({ client: aps, pageSize: 1000 }, {})) {
      for (const scraper of page.scrapers ?? []) {
        ctx.found(groupRefsIn(scraper.source), {
          resourceType: 'Managed Prometheus scraper',
          resourceId: scraper.arn ?? scraper.scraperId ?? 'scraper-?',
          ...(scraper.alias ? { resourceName: scraper.alias } : {}),
          detail: `status ${scraper.status?.statusCode ?? 'unknown'}`,
        });
      }
    }
  },
};
