import { paginateListPrincipals, paginateListResources, RAMClient, type Resource } from '@aws-sdk/client-ram';
import type { Evidence, Scanner } from './types';

/**
 * RAM's resource type for a security group. A misspelt type is rejected by the service
 * (InvalidResourceTypeException), so a wrong value fails the source instead of listing nothing.
 */
export const RAM_SECURITY_GROUP_TYPE = 'ec2:SecurityGroup';

/** ListResources and ListPrincipals accept 1–500 per page. */
const PAGE_SIZE = 500;

/** Principals named in one evidence line; the rest are counted. */
const MAX_PRINCIPALS_SHOWN = 5;

const SG_ARN = /^arn:[^:]+:ec2:([^:]*):[^:]*:security-group\/(sg-[0-9a-f]+)$/;

/**
 * Security groups this account shares through AWS RAM. Participants of a shared VPC can attach
 * them to their own resources, which this account's listings do not show, so a shared group is
 * in use whatever its association status: RAM's ResourceStatus has no "disassociated" value (a
 * resource removed from a share is no longer listed), and a PENDING, UNAVAILABLE or failing
 * association may still be, or become, usable by a participant.
 */
export const ramSharesScanner: Scanner = {
  source: 'ram-shares',
  service: 'ram',
  covers: ['place:ram-shares'],
  actions: ['ram:ListPrincipals', 'ram:ListResources'],
  async scan(clients, region, ctx) {
    const ram = clients.get(RAMClient);
    const principals = await principalsByShare(ram);
    const pages = paginateListResources(
      { client: ram, pageSize: PAGE_SIZE },
      { resourceOwner: 'SELF', resourceType: RAM_SECURITY_GROUP_TYPE },
    );
    for await (const page of pages) {
      for (const resource of page.resources ?? []) {
        const groupId = sharedGroupId(resource, region);
        if (!groupId) continue;
        ctx.found([groupId], describeShare(resource, principals.get(resource.resourceShareArn ?? '')));
      }
    }
  },
};

/** Share ARN -> the principals (accounts, OUs, organizations) it is shared with. */
async function principalsByShare(ram: RAMClient): Promise<Map<string, string[]>> {
  const byShare = new Map<string, string[]>();
  const pages = paginateListPrincipals(
    { client: ram, pageSize: PAGE_SIZE },
    { resourceOwner: 'SELF', resourceType: RAM_SECURITY_GROUP_TYPE },
  );
  for await (const page of pages) {
    for (const principal of page.principals ?? []) {
      if (!principal.resourceShareArn || !principal.id) continue;
      const ids = byShare.get(principal.resourceShareArn) ?? [];
      if (!ids.includes(principal.id)) ids.push(principal.id);
      byShare.set(principal.resourceShareArn, ids);
    }
  }
  return byShare;
}

/**
 * The group id of a shared security group of this region; undefined for other resource types
 * and for ARNs of another region (that group is not in this region's inventory: its own
 * region's scan reports it). A security-group entry whose ARN cannot be read throws, so the
 * source fails closed rather than losing a share.
 */
export function sharedGroupId(resource: Resource, region: string): string | undefined {
  const arn = resource.arn ?? '';
  const match = SG_ARN.exec(arn);
  if (!match) {
    if (resource.type?.toLowerCase() === RAM_SECURITY_GROUP_TYPE.toLowerCase() || arn.includes(':security-group/')) {
      throw new Error(`unreadable security group ARN in a RAM share: "${arn}"`);
    }
    return undefined;
  }
  const [, arnRegion, groupId] = match;
  if (arnRegion && arnRegion !== region) return undefined;
  return groupId;
}

function describeShare(resource: Resource, principals: string[] | undefined): Evidence {
  const shown = (principals ?? []).slice(0, MAX_PRINCIPALS_SHOWN);
  const more = (principals?.length ?? 0) - shown.length;
  const withWhom = shown.length
    ? `with ${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`
    : 'with other accounts (no principal listed)';
  return {
    resourceType: 'RAM resource share',
    resourceId: resource.resourceShareArn ?? 'resource-share-?',
    detail: `shared ${withWhom} through AWS RAM, status ${resource.status ?? 'unknown'}`,
  };
}
