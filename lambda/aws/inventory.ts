import {
  EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
  type SecurityGroupRule,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { GroupRecord, RuleRecord } from '../core/model';
import type { RegionClients } from './client-factory';

/** IAM actions the inventory needs (granted to both Lambdas). */
export const INVENTORY_ACTIONS = ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'] as const;

const PAGE = { pageSize: 1000 };

export function tagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function toRuleRecord(rule: SecurityGroupRule): RuleRecord {
  const ref = rule.ReferencedGroupInfo;
  const record: RuleRecord = {
    ruleId: rule.SecurityGroupRuleId ?? '',
    isEgress: rule.IsEgress === true,
    ipProtocol: rule.IpProtocol ?? '-1',
  };
  if (rule.FromPort !== undefined) record.fromPort = rule.FromPort;
  if (rule.ToPort !== undefined) record.toPort = rule.ToPort;
  if (rule.CidrIpv4) record.cidrIpv4 = rule.CidrIpv4;
  if (rule.CidrIpv6) record.cidrIpv6 = rule.CidrIpv6;
  if (rule.PrefixListId) record.prefixListId = rule.PrefixListId;
  if (ref?.GroupId) {
    record.referencedGroup = { groupId: ref.GroupId };
    if (ref.UserId) record.referencedGroup.userId = ref.UserId;
    if (ref.VpcId) record.referencedGroup.vpcId = ref.VpcId;
    if (ref.VpcPeeringConnectionId) record.referencedGroup.vpcPeeringConnectionId = ref.VpcPeeringConnectionId;
  }
  if (rule.Description) record.description = rule.Description;
  if (rule.Tags && rule.Tags.length > 0) record.tags = tagsToRecord(rule.Tags);
  return record;
}

function toGroupRecord(region: string, group: SecurityGroup): GroupRecord {
  const record: GroupRecord = {
    region,
    groupId: group.GroupId ?? '',
    groupName: group.GroupName ?? '',
    description: group.Description ?? '',
    ownerId: group.OwnerId ?? '',
    tags: tagsToRecord(group.Tags),
    ingress: [],
    egress: [],
  };
  if (group.VpcId) record.vpcId = group.VpcId;
  if (group.SecurityGroupArn) record.arn = group.SecurityGroupArn;
  return record;
}

/** EC2 accepts up to 200 values in one filter (every group-id query of the audit and the deletion). */
export const EC2_FILTER_VALUES = 200;

/**
 * Groups whose rules one DescribeSecurityGroupRules query asks for (a `group-id` filter), as
 * many as one filter takes. At ~4 rules a group a chunk fits one 1,000-rule page.
 */
export const RULE_CHUNK = EC2_FILTER_VALUES;

/**
 * Every security group of the region with all its rules. DescribeSecurityGroups pages (1000
 * a page) are read in order; as each page arrives, the rules of its groups are fetched at once,
 * in chunks of RULE_CHUNK groups (DescribeSecurityGroupRules filtered by group-id, 1000 a page),
 * all chunks in parallel with the remaining group pages. Calls stay flat: the same ~4 rules per
 * group fill about one page per chunk, so the rule pages are about what one unfiltered listing
 * costs, while the wait is one group listing plus one rule page instead of the two listings
 * back to back.
 */
export async function loadInventory(clients: RegionClients): Promise<GroupRecord[]> {
  const ec2 = clients.get(EC2Client);
  const groups = new Map<string, GroupRecord>();
  const ruleReads: Array<Promise<SecurityGroupRule[]>> = [];
  const readRules = async (groupIds: string[]): Promise<SecurityGroupRule[]> => {
    const rules: SecurityGroupRule[] = [];
    for await (const page of paginateDescribeSecurityGroupRules({ client: ec2, ...PAGE }, { Filters: [{ Name: 'group-id', Values: groupIds }] })) {
      rules.push(...(page.SecurityGroupRules ?? []));
    }
    return rules;
  };
  try {
    for await (const page of paginateDescribeSecurityGroups({ client: ec2, ...PAGE }, {})) {
      const ids: string[] = [];
      for (const group of page.SecurityGroups ?? []) {
        if (!group.GroupId) continue;
        groups.set(group.GroupId, toGroupRecord(clients.region, group));
        ids.push(group.GroupId);
      }
      for (let i = 0; i < ids.length; i += RULE_CHUNK) {
        const read = readRules(ids.slice(i, i + RULE_CHUNK));
        read.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        ruleReads.push(read);
      }
    }
  } finally {
    // Never leave reads running past the inventory (their failure is reported below, or the groups' one is).
    await Promise.allSettled(ruleReads);
  }
  for (const rules of await Promise.all(ruleReads)) {
    for (const rule of rules) {
      const owner = rule.GroupId ? groups.get(rule.GroupId) : undefined;
      if (!owner) continue;
      (rule.IsEgress ? owner.egress : owner.ingress).push(toRuleRecord(rule));
    }
  }
  return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
}
