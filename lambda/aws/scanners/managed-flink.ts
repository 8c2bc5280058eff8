import { DescribeApplicationCommand, KinesisAnalyticsV2Client, paginateListApplications } from '@aws-sdk/client-kinesis-analytics-v2';
import { isNamed } from '../errors';
import type { Scanner } from './types';

// Confirmed in the Managed Service for Apache Flink API (kinesisanalyticsv2) reference and
// botocore 1.43.11's model:
// - ListApplications: Limit 1-50, NextToken; summaries carry name, ARN, status, no VPC.
// - DescribeApplication(ApplicationName): ApplicationDetail.ApplicationConfigurationDescription
//   .VpcConfigurationDescriptions[].SecurityGroupIds[] (Flink applications and Studio notebooks).
// - An application deleted after the listing: ResourceNotFoundException.
// - IAM: kinesisanalytics:ListApplications, kinesisanalytics:DescribeApplication (the v2 API keeps
//   the v1 service prefix); the global-infrastructure service code is `kinesisanalytics` too.
const PAGE_SIZE = 50;

/**
 * Managed Service for Apache Flink applications (formerly Kinesis Data Analytics) and Studio
 * notebooks with a VPC configuration. A stopped application has no network interface, yet
 * starting it needs its groups. The summaries carry no VPC: each application is described.
 */
export const managedFlinkScanner: Scanner = {
  source: 'managed-flink',
  service: 'kinesisanalytics',
  covers: ['AWS::KinesisAnalyticsV2::Application'],
  actions: ['kinesisanalytics:ListApplications', 'kinesisanalytics:DescribeApplication'],
  async scan(clients, _region, ctx) {
    const flink = clients.get(KinesisAnalyticsV2Client);
    for await (const page of paginateListApplications({ client: flink, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.ApplicationSummaries ?? []) {
        if (!summary.ApplicationName) continue;
        let detail;
        try {
          detail = (await flink.send(new DescribeApplicationCommand({ ApplicationName: summary.ApplicationName }))).ApplicationDetail;
        } catch (error) {
          // Only an application deleted between the listing and here is skipped.
          if (isNamed(error, 'ResourceNotFoundException')) continue;
          throw error;
        }
        for (const vpc of detail?.ApplicationConfigurationDescription?.VpcConfigurationDescriptions ?? []) {
          ctx.found(vpc.SecurityGroupIds, {
            resourceType: 'Managed Flink application',
            resourceId: detail?.ApplicationARN ?? summary.ApplicationARN ?? summary.ApplicationName,
            resourceName: detail?.ApplicationName ?? summary.ApplicationName,
            detail: [
              `status ${detail?.ApplicationStatus ?? summary.ApplicationStatus ?? 'unknown'}`,
              detail?.RuntimeEnvironment ?? summary.RuntimeEnvironment,
              detail?.ApplicationMode === 'INTERACTIVE' ? 'Studio notebook' : undefined,
            ]
              .filter(Boolean)
              .join(', '),
          });
        }
      }
    }
  },
};
