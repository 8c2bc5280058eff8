import { GetDbClusterCommand, GetDbInstanceCommand, TimestreamInfluxDBClient, paginateListDbClusters, paginateListDbInstances } from '@aws-sdk/client-timestream-influxdb';
import { unlessGone } from './group-fields';
import type { Scanner } from './types';

// Timestream for InfluxDB API reference and botocore 1.43.11's model:
// - ListDbClusters / ListDbInstances: maxResults 1–100, nextToken; items[].{id, name, arn, status} (no groups).
// - GetDbCluster(dbClusterId) / GetDbInstance(identifier): vpcSecurityGroupIds.
// - IAM: timestream-influxdb:ListDbClusters, GetDbCluster, ListDbInstances, GetDbInstance.

/** Timestream for InfluxDB clusters and instances. */
export const timestreamInfluxdbScanner: Scanner = {
  source: 'timestream-influxdb',
  service: 'timestream-influxdb',
  covers: ['AWS::Timestream::InfluxDBCluster', 'AWS::Timestream::InfluxDBInstance'],
  actions: ['timestream-influxdb:ListDbClusters', 'timestream-influxdb:GetDbCluster', 'timestream-influxdb:ListDbInstances', 'timestream-influxdb:GetDbInstance'],
  async scan(clients, _region, ctx) {
    const ts = clients.get(TimestreamInfluxDBClient);
    for await (const page of paginateListDbClusters({ client: ts, pageSize: 100 }, {})) {
      for (const summary of page.items ?? []) {
        const dbClusterId = summary.id;
        if (!dbClusterId) continue;
        const cluster = await unlessGone(() => ts.send(new GetDbClusterCommand({ dbClusterId })));
        if (!cluster) continue;
        ctx.found(cluster.vpcSecurityGroupIds, {
          resourceType: 'Timestream for InfluxDB cluster',
          resourceId: cluster.arn ?? summary.arn ?? dbClusterId,
          ...(summary.name ? { resourceName: summary.name } : {}),
          detail: `status ${cluster.status ?? summary.status ?? 'unknown'}`,
        });
      }
    }
    for await (const page of paginateListDbInstances({ client: ts, pageSize: 100 }, {})) {
      for (const summary of page.items ?? []) {
        const identifier = summary.id;
        if (!identifier) continue;
        const instance = await unlessGone(() => ts.send(new GetDbInstanceCommand({ identifier })));
        if (!instance) continue;
        ctx.found(instance.vpcSecurityGroupIds, {
          resourceType: 'Timestream for InfluxDB instance',
          resourceId: instance.arn ?? summary.arn ?? identifier,
          ...(summary.name ? { resourceName: summary.name } : {}),
          detail: `status ${instance.status ?? summary.status ?? 'unknown'}${instance.dbClusterId ? `, cluster ${instance.dbClusterId}` : ''}`,
        });
      }
    }
  },
};
