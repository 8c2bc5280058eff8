import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { paginateGetParametersByPath, SSMClient } from '@aws-sdk/client-ssm';
import type { ClientFactory, RegionClients } from './client-factory';

export const REGION_ACTIONS = ['ec2:DescribeRegions', 'ssm:GetParametersByPath'] as const;

/** The region the SDK would use by default; region discovery calls go there. */
export function homeRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** Every region enabled for the account (opt-in regions not opted in are dropped). */
export async function listEnabledRegions(factory: ClientFactory): Promise<string[]> {
  const ec2 = factory.forRegion(homeRegion()).get(EC2Client);
  const out = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
  return (out.Regions ?? [])
    .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName as string)
    .sort();
}

/**
 * The service codes AWS offers in a region, from the public global-infrastructure parameters.
 * Empty when the region has no parameters (the caller then treats every service as offered).
 */
export async function offeredServices(clients: RegionClients): Promise<ReadonlySet<string>> {
  const ssm = clients.get(SSMClient);
  const path = `/aws/service/global-infrastructure/regions/${clients.region}/services`;
  const codes = new Set<string>();
  for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 10 }, { Path: path })) {
    for (const p of page.Parameters ?? []) {
      const code = p.Value ?? p.Name?.split('/').pop();
      if (code) codes.add(code);
    }
  }
  return codes;
}
