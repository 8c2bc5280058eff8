import { QuickSightClient, paginateListVPCConnections } from '@aws-sdk/client-quicksight';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Amazon QuickSight API reference and botocore 1.43.11's model:
// - ListVPCConnections(AwsAccountId): MaxResults 1–100, NextToken; VPCConnectionSummaries[].SecurityGroupIds
//   (no per-connection call). Status DELETED connections hold nothing.
// - An account that never subscribed to QuickSight answers ResourceNotFoundException ("... is not
//   signed up with QuickSight") or UnsupportedUserEditionException ("... is not subscribed for
//   QuickSight"), as do Standard-edition accounts; VPC connections exist only in Enterprise
//   edition, so either means there is none (the same reading as Terraform's and Cloud
//   Custodian's QuickSight listings). Only those two answers, with those messages, are taken so.
// - IAM: quicksight:ListVPCConnections.

function notSubscribed(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return (
    (isNamed(error, 'ResourceNotFoundException') && /not signed up with QuickSight/i.test(message)) ||
    (isNamed(error, 'UnsupportedUserEditionException') && /QuickSight/i.test(message))
  );
}

/** QuickSight VPC connections (Enterprise edition). */
export const quicksightScanner: Scanner = {
  source: 'quicksight',
  service: 'quicksight',
  covers: ['AWS::QuickSight::VPCConnection'],
  actions: ['quicksight:ListVPCConnections'],
  async scan(clients, _region, ctx) {
    const qs = clients.get(QuickSightClient);
    let pages = 0;
    try {
      for await (const page of paginateListVPCConnections({ client: qs, pageSize: 100 }, { AwsAccountId: ctx.accountId })) {
        pages += 1;
        for (const connection of page.VPCConnectionSummaries ?? []) {
          if (connection.Status === 'DELETED') continue;
          ctx.found(connection.SecurityGroupIds, {
            resourceType: 'QuickSight VPC connection',
            resourceId: connection.Arn ?? connection.VPCConnectionId ?? 'vpc-connection-?',
            ...(connection.Name ? { resourceName: connection.Name } : {}),
            detail: `status ${connection.Status ?? 'unknown'}, ${connection.AvailabilityStatus ?? 'availability unknown'}`,
          });
        }
      }
    } catch (error) {
      // Only before the first page: once a page was read the account is subscribed.
      if (pages === 0 && notSubscribed(error)) return { note: 'QuickSight not subscribed in this account (no VPC connections)' };
      throw error;
    }
    return undefined;
  },
};
