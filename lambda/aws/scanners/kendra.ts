import { DescribeDataSourceCommand, KendraClient, paginateListDataSources, paginateListIndices } from '@aws-sdk/client-kendra';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Kendra API reference and botocore 1.43.11's model:
// - ListIndices: MaxResults 1–100, NextToken; IndexConfigurationSummaryItems[].{Id, Name, Status}.
// - ListDataSources(IndexId): MaxResults 1–100, NextToken; SummaryItems[].{Id, Name, Type, Status}.
// - DescribeDataSource(Id, IndexId): Configuration.<Kind>Configuration.VpcConfiguration.SecurityGroupIds
//   (Database, SharePoint, Confluence, Fsx, Slack, Box, Quip, Jira, GitHub, Alfresco) and, for
//   template-based connectors, VpcConfiguration.SecurityGroupIds. No bulk form: one per data source.
// - IAM: kendra:ListIndices, kendra:ListDataSources, kendra:DescribeDataSource.
const PAGE_SIZE = 100;

/**
 * Kendra data source connectors that crawl inside a VPC. A connector holds its groups between
 * syncs, with no network interface, so this configuration is its only evidence.
 */
export const kendraScanner: Scanner = {
  source: 'kendra',
  service: 'kendra',
  covers: ['AWS::Kendra::DataSource'],
  actions: ['kendra:ListIndices', 'kendra:ListDataSources', 'kendra:DescribeDataSource'],
  async scan(clients, _region, ctx) {
    const kendra = clients.get(KendraClient);
    for await (const indexPage of paginateListIndices({ client: kendra, pageSize: PAGE_SIZE }, {})) {
      for (const index of indexPage.IndexConfigurationSummaryItems ?? []) {
        if (!index.Id) continue;
        for await (const page of paginateListDataSources({ client: kendra, pageSize: PAGE_SIZE }, { IndexId: index.Id })) {
          for (const summary of page.SummaryItems ?? []) {
            if (!summary.Id) continue;
            const id = summary.Id;
            const indexId = index.Id;
            const source = await unlessGone(() => kendra.send(new DescribeDataSourceCommand({ Id: id, IndexId: indexId })));
            if (!source) continue;
            const name = source.Name ?? summary.Name;
            ctx.found(groupRefsIn(source), {
              resourceType: 'Kendra data source',
              resourceId: `${index.Id}/${summary.Id}`,
              ...(name ? { resourceName: name } : {}),
              detail: `${source.Type ?? summary.Type ?? 'unknown type'}, index ${index.Name ?? index.Id}, status ${source.Status ?? summary.Status ?? 'unknown'}`,
            });
          }
        }
      }
    }
  },
};

