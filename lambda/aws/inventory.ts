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

/**
 * Every security group of the region with all its rules: two bulk, paginated listings
 * (DescribeSecurityGroups and DescribeSecurityGroupRules at 1000 per page), joined in memory.
 */
export async function loadInventory(clients: RegionClients): Promise<GroupRecord[]> {
  const ec2 = clients.get(EC2Client);
  const groups = new Map<string, GroupRecord>();
  for await (const page of paginateDescribeSecurityGroups({ client: ec2, ...PAGE }, {})) {
    for (const group of page.SecurityGroups ?? []) {
      if (group.GroupId) groups.set(group.GroupId, toGroupRecord(clients.region, group));
    }
  }
  for await (const page of paginateDescribeSecurityGroupRules({ client: ec2, ...PAGE }, {})) {
    for (const rule of page.SecurityGroupRules ?? []) {
      const owner = rule.GroupId ? groups.get(rule.GroupId) : undefined;
      if (!owner) continue; // a group created between the two listings: next audit sees it
      (rule.IsEgress ? owner.egress : owner.ingress).push(toRuleRecord(rule));
    }
  }
  return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
}
