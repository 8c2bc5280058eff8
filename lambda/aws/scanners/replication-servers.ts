import { isNamed } from '../errors';
import type { ScanContext, ScanOutcome } from './types';

/**
 * What Elastic Disaster Recovery and Application Migration Service share: the same replication
 * API (DescribeReplicationConfigurationTemplates, DescribeSourceServers, GetReplicationConfiguration)
 * in two SDK clients. Each scanner adapts its client to this.
 */
export interface ReplicationService {
  /** "DRS" / "MGN", for evidence. */
  label: string;
  /** Pages of replication configuration templates. */
  templates(): AsyncIterable<Array<{ id?: string | undefined; arn?: string | undefined; groups?: string[] | undefined }>>;
  /** Pages of source servers. */
  sourceServers(): AsyncIterable<Array<{ id?: string | undefined; arn?: string | undefined; name?: string | undefined; state?: string | undefined }>>;
  /** The replication configuration of one source server. */
  replicationGroups(sourceServerId: string): Promise<string[] | undefined>;
}

/**
 * Groups of the replication servers: each template's `replicationServersSecurityGroupsIDs` (used
 * for every source server added later) and each source server's own replication configuration,
 * which may differ from its template. Replication servers run only while data replicates: a
 * paused, stopped or not yet started replication has no instance, yet resuming needs the group.
 * A service never initialised in this account (UninitializedAccountException) has no resources:
 * the scan is `ok` with a note. Any other error fails it.
 */
export async function scanReplicationServers(service: ReplicationService, ctx: ScanContext): Promise<ScanOutcome | void> {
  try {
    for await (const page of service.templates()) {
      for (const template of page) {
        ctx.found(template.groups, {
          resourceType: `${service.label} replication template`,
          resourceId: template.arn ?? template.id ?? 'unknown',
          resourceName: template.id,
          detail: 'replication servers of the source servers that use this template',
        });
      }
    }
  } catch (error) {
    if (isNamed(error, 'UninitializedAccountException')) return { note: `${service.label} not initialised in this account: no resources` };
    throw error;
  }
  // No bulk form holds the servers' own replication settings: one call per source server.
  for await (const page of service.sourceServers()) {
    for (const server of page) {
      if (!server.id) continue;
      let groups: string[] | undefined;
      try {
        groups = await service.replicationGroups(server.id);
      } catch (error) {
        // Only a source server deleted between the listing and here is skipped.
        if (isNamed(error, 'ResourceNotFoundException')) continue;
        throw error;
      }
      ctx.found(groups, {
        resourceType: `${service.label} source server`,
        resourceId: server.arn ?? server.id,
        resourceName: server.name ?? server.id,
        detail: ['replication servers', server.state ? `replication ${server.state}` : undefined].filter(Boolean).join(', '),
      });
    }
  }
}
