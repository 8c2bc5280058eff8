import { GetDataSourceCommand, QBusinessClient, paginateListApplications, paginateListDataSources, paginateListIndices } from '@aws-sdk/client-qbusiness';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Amazon Q Business API reference and botocore 1.43.11's model:
// - ListApplications: maxResults 1–100, nextToken; applications[].{applicationId, displayName, status}.
// - ListIndices(applicationId): maxResults 1–100; indices[].{indexId, displayName, status}.
// - ListDataSources(applicationId, indexId): maxResults 1–10 (the model's maximum); dataSources[].{dataSourceId, displayName, type, status}.
// - GetDataSource(applicationId, indexId, dataSourceId): vpcConfiguration.securityGroupIds, and
//   `configuration`, a free-form document (the connector's JSON schema), read for group fields too.
// - IAM: qbusiness:ListApplications, qbusiness:ListIndices, qbusiness:ListDataSources, qbusiness:GetDataSource.

/** Amazon Q Business data source connectors that crawl inside a VPC (no interface between syncs). */
export const qbusinessScanner: Scanner = {
  source: 'qbusiness',
  service: 'qbusiness',
  covers: ['AWS::QBusiness::DataSource'],
  actions: ['qbusiness:ListApplications', 'qbusiness:ListIndices', 'qbusiness:ListDataSources', 'qbusiness:GetDataSource'],
  async scan(clients, _region, ctx) {
    const q = clients.get(QBusinessClient);
    for await (const appPage of paginateListApplications({ client: q, pageSize: 100 }, {})) {
      for (const app of appPage.applications ?? []) {
        const applicationId = app.applicationId;
        if (!applicationId) continue;
        for await (const indexPage of paginateListIndices({ client: q, pageSize: 100 }, { applicationId })) {
          for (const index of indexPage.indices ?? []) {
            const indexId = index.indexId;
            if (!indexId) continue;
            for await (const page of paginateListDataSources({ client: q, pageSize: 10 }, { applicationId, indexId })) {
              for (const summary of page.dataSources ?? []) {
                const dataSourceId = summary.dataSourceId;
                if (!dataSourceId) continue;
                const source = await unlessGone(() => q.send(new GetDataSourceCommand({ applicationId, indexId, dataSourceId })));
                if (!source) continue;
                const name = source.displayName ?? summary.displayName;
                ctx.found(groupRefsIn({ vpcConfiguration: source.vpcConfiguration, configuration: source.configuration }), {
                  resourceType: 'Amazon Q Business data source',
                  resourceId: source.dataSourceArn ?? `${applicationId}/${indexId}/${dataSourceId}`,
                  ...(name ? { resourceName: name } : {}),
                  detail: `${source.type ?? summary.type ?? 'unknown type'}, application ${app.displayName ?? applicationId}, status ${source.status ?? summary.status ?? 'unknown'}`,
                });
              }
            }
          }
        }
      }
    }
  },
};
