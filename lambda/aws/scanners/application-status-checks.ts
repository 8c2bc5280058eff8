import { DescribeApplicationStatusChecksCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

// Confirmed in the Amazon EC2 API reference (DescribeApplicationStatusChecks, 2026):
// - Without ApplicationStatusCheckIds it returns every check of the account in the region;
//   NextToken paging. The reference documents no MaxResults range, and an account holds at most
//   50 checks, so no page size is passed. No SDK v3 paginator.
// - ApplicationStatusChecks[].HealthCheckPaths[].Source.SecurityGroupId (the group of the health
//   check interface EC2 creates to send the checks) and .Destinations[].SecurityGroupId.
// - IncludeAll (omitted) would add checks deleted within the grace period; they run no more.
// - IAM: ec2:DescribeApplicationStatusChecks.

/**
 * EC2 application status checks: their health check paths name the groups of the interface that
 * sends the checks and of the destinations, also before the check is associated with instances.
 */
export const applicationStatusChecksScanner: Scanner = {
  source: 'application-status-checks',
  service: 'ec2',
  covers: ['AWS::EC2::ApplicationStatusCheck'],
  actions: ['ec2:DescribeApplicationStatusChecks'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeApplicationStatusChecksCommand({ NextToken: nextToken }));
      for (const check of page.ApplicationStatusChecks ?? []) {
        const id = check.ApplicationStatusCheckId ?? 'unknown';
        const target = `${check.Protocol ?? '?'} port ${check.Port ?? '?'}${check.Path ? ` ${check.Path}` : ''}`;
        for (const path of check.HealthCheckPaths ?? []) {
          ctx.found([path.Source?.SecurityGroupId], { resourceType: 'EC2 application status check', resourceId: id, detail: `${target}, health check source` });
          ctx.found(
            (path.Destinations ?? []).map((destination) => destination.SecurityGroupId),
            { resourceType: 'EC2 application status check', resourceId: id, detail: `${target}, health check destination` },
          );
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
  },
};
