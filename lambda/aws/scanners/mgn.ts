import {
  GetReplicationConfigurationCommand,
  MgnClient,
  paginateDescribeReplicationConfigurationTemplates,
  paginateDescribeSourceServers,
} from '@aws-sdk/client-mgn';
import { scanReplicationServers } from './replication-servers';
import type { Scanner } from './types';

// Confirmed in the Application Migration Service API reference and botocore 1.43.11's model:
// - DescribeReplicationConfigurationTemplates (no ids = all): maxResults 1-1000, nextToken;
//   items[].replicationServersSecurityGroupsIDs[].
// - DescribeSourceServers: maxResults 1-1000, nextToken; `filters` (sent empty: older API
//   versions required it) with no isArchived filter returns archived servers too.
// - GetReplicationConfiguration(sourceServerID): replicationServersSecurityGroupsIDs[].
// - DescribeLaunchConfigurationTemplates / GetLaunchConfiguration hold no group: test and cutover
//   instances launch from an EC2 launch template (ec2LaunchTemplateID; the launch-templates source).
// - UninitializedAccountException: MGN was never initialised in this account and region.
// - A source server deleted after the listing: ResourceNotFoundException.
// - IAM: mgn:DescribeReplicationConfigurationTemplates, mgn:DescribeSourceServers, mgn:GetReplicationConfiguration.
const PAGE_SIZE = 1000;

/** Application Migration Service replication servers' groups (see scanReplicationServers). */
export const mgnScanner: Scanner = {
  source: 'mgn',
  service: 'mgn',
  covers: ['place:mgn-replication-templates', 'place:mgn-source-servers'],
  actions: ['mgn:DescribeReplicationConfigurationTemplates', 'mgn:DescribeSourceServers', 'mgn:GetReplicationConfiguration'],
  scan(clients, _region, ctx) {
    const mgn = clients.get(MgnClient);
    return scanReplicationServers(
      {
        label: 'MGN',
        async *templates() {
          for await (const page of paginateDescribeReplicationConfigurationTemplates({ client: mgn, pageSize: PAGE_SIZE }, {})) {
            yield (page.items ?? []).map((t) => ({ id: t.replicationConfigurationTemplateID, arn: t.arn, groups: t.replicationServersSecurityGroupsIDs }));
          }
        },
        async *sourceServers() {
          for await (const page of paginateDescribeSourceServers({ client: mgn, pageSize: PAGE_SIZE }, { filters: {} })) {
            yield (page.items ?? []).map((s) => ({
              id: s.sourceServerID,
              arn: s.arn,
              name: s.sourceProperties?.identificationHints?.hostname,
              state: [s.dataReplicationInfo?.dataReplicationState, s.isArchived ? 'archived' : undefined].filter(Boolean).join(', ') || undefined,
            }));
          }
        },
        async replicationGroups(sourceServerID) {
          return (await mgn.send(new GetReplicationConfigurationCommand({ sourceServerID }))).replicationServersSecurityGroupsIDs;
        },
      },
      ctx,
    );
  },
};
