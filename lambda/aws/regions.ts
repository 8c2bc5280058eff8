import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ClientFactory, RegionClients } from './client-factory';
import { isNamed } from './errors';

export const REGION_ACTIONS = ['ec2:DescribeRegions', 'ssm:GetParameter'] as const;

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
 * Whether an SDK call failed because the service has no endpoint in the region: the SDK's
 * endpoint rules refused the region (`EndpointError`, thrown before any request), or the
 * endpoint's host name does not exist (`ENOTFOUND` from DNS, for a host in that region; the SDK
 * retries it as a network error before throwing it). Nothing else qualifies: a refused
 * connection, a timeout or any AWS error code means the endpoint exists or may exist.
 */
export function isMissingEndpoint(error: unknown, region: string): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'EndpointError') return true;
  const { code, hostname } = error as { code?: unknown; hostname?: unknown };
  return code === 'ENOTFOUND' && typeof hostname === 'string' && hostname.toLowerCase().split('.').includes(region.toLowerCase());
}

/**
 * AWS's public list of the services offered in one region (SSM global-infrastructure
 * parameters), read one service at a time and only when asked: one `GetParameter` per service
 * code, cached for the region, concurrent questions sharing one request. The list lags new
 * launches and omits services that answer, so it is asked only after a call failed because the
 * service's endpoint does not exist, and only its "no" (`ParameterNotFound`) counts.
 */
export class ServiceList {
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(private readonly clients: RegionClients) {}

  /** True when the region lists the service, false when it does not; throws when the list cannot be read. */
  isListed(code: string): Promise<boolean> {
    let answer = this.answers.get(code);
    if (!answer) {
      answer = this.read(code);
      this.answers.set(code, answer);
    }
    return answer;
  }

  private async read(code: string): Promise<boolean> {
    const Name = `/aws/service/global-infrastructure/regions/${this.clients.region}/services/${code}`;
    try {
      await this.clients.get(SSMClient).send(new GetParameterCommand({ Name }));
      return true;
    } catch (error) {
      if (isNamed(error, 'ParameterNotFound')) return false;
      throw error;
    }
  }
}
