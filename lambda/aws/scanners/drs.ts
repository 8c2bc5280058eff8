import {
  DrsClient,
  GetReplicationConfigurationCommand,
  paginateDescribeReplicationConfigurationTemplates,
  paginateDescribeSourceServers,
} from '@aws-sdk/client-drs';
import { scanReplicationServers } from './replication-servers';
import type { Scanner } from './types';

// Confirmed in the Elastic Disaster Recovery API reference and botocore 1.43.11's model:
// - DescribeReplicationConfigurationTemplates (no ids = all): items[].replicationServersSecurityGroupsIDs[];
//   maxResults is a StrictlyPositiveInteger with no maximum modelled, so it is left to the
//   service's default page rather than a guessed cap the service could reject; nextToken.
// - DescribeSourceServers (no filter = all, extended source servers included): same paging.
// - GetReplicationConfiguration(sourceServerID): replicationServersSecurityGroupsIDs[].
// - DescribeLaunchConfigurationTemplates / GetLaunchConfiguration hold no group: recovery
//   instances launch from an EC2 launch template per source server (the launch-templates source).
// - UninitializedAccountException: DRS was never initialised in this account and region.
// - A source server deleted after the listing: ResourceNotFoundException.
// - IAM: drs:DescribeReplicationConfigurationTemplates, drs:DescribeSourceServers, drs:GetReplicationConfiguration.

/** Elastic Disaster Recovery replication servers' groups (see scanReplicationServers). */
export const drsScanner: Scanner = {
  source: 'drs',
  service: 'drs',
  covers: ['AWS::DRS::ReplicationConfigurationTemplate', 'place:drs-source-servers'],
  actions: ['drs:DescribeReplicationConfigurationTemplates', 'drs:DescribeSourceServers', 'drs:GetReplicationConfiguration'],
  scan(clients, _region, ctx) {
    const drs = clients.get(DrsClient);
    return scanReplicationServers(
      {
        label: 'DRS',
        async *templates() {
          for await (const page of paginateDescribeReplicationConfigurationTemplates({ client: drs }, {})) {
            yield (page.items ?? []).map((t) => ({ id: t.replicationConfigurationTemplateID, arn: t.arn, groups: t.replicationServersSecurityGroupsIDs }));
          }
        },
        async *sourceServers() {
          for await (const page of paginateDescribeSourceServers({ client: drs }, {})) {
            yield (page.items ?? []).map((s) => ({
              id: s.sourceServerID,
              arn: s.arn,
              name: s.sourceProperties?.identificationHints?.hostname,
              state: s.dataReplicationInfo?.dataReplicationState,
            }));
          }
        },
        async replicationGroups(sourceServerID) {
          return (await drs.send(new GetReplicationConfigurationCommand({ sourceServerID }))).replicationServersSecurityGroupsIDs;
        },
      },
      ctx,
    );
  },
};
