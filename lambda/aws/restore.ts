import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandOutput,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { chunks } from '../core/concurrency';
import { BACKUP_SCHEMA_VERSION, type Backup } from '../core/backup';
import type { GroupRecord, RuleRecord } from '../core/model';
import { describeRule } from '../core/render-log';
import { isDefaultEgress, isDefaultEgressV6, planRestore, RESTORED_FROM_TAG, rulesToRestore, writableTags, type PlannedGroup } from '../core/restore-plan';
import type { RegionClients } from './client-factory';
import { toScanError } from './errors';
import { EC2_FILTER_VALUES, INVENTORY_ACTIONS, loadInventory } from './inventory';

/** IAM actions `sg-audit restore` calls. */
export const RESTORE_ACTIONS = [
  ...INVENTORY_ACTIONS,
  'ec2:CreateSecurityGroup',
  'ec2:CreateTags',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupEgress',
] as const;

export class BackupFormatError extends Error {
  override readonly name = 'BackupFormatError';
}

export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

const ruleSchema = z.object({
  ruleId: z.string(),
  isEgress: z.boolean(),
  ipProtocol: z.string().min(1),
  fromPort: z.number().int().optional(),
  toPort: z.number().int().optional(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  referencedGroup: z
    .object({ groupId: z.string(), userId: z.string().optional(), vpcId: z.string().optional(), vpcPeeringConnectionId: z.string().optional() })
    .optional(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const groupSchema = z.object({
  region: z.string().min(1),
  groupId: z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id'),
  groupName: z.string().min(1).max(255),
  description: z.string().max(255),
  vpcId: z.string().optional(),
  ownerId: z.string(),
  arn: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  ingress: z.array(ruleSchema),
  egress: z.array(ruleSchema),
});

const backupSchema = z.object({
  schemaVersion: z.literal(BACKUP_SCHEMA_VERSION),
  auditId: z.string(),
  accountId: z.string(),
  createdAt: z.string(),
  groups: z.array(groupSchema),
});

/** Validates a parsed backup.json; the error names each bad field. */
export function parseBackup(value: unknown): Backup {
  const result = backupSchema.safeParse(value);
  if (result.success) return result.data as Backup;
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new BackupFormatError(`not a valid sg-auditor backup.json:\n  ${issues.join('\n  ')}`);
}

/** The group `groupId` of the backup; `region` picks one when the id appears in several. */
export function findBackupGroup(backup: Backup, groupId: string, region?: string): GroupRecord {
  const matches = backup.groups.filter((g) => g.groupId === groupId && (region === undefined || g.region === region));
  if (matches.length === 0) throw new RestoreError(`${groupId} is not in this backup${region ? ` for region ${region}` : ''}`);
  if (matches.length > 1) throw new RestoreError(`${groupId} appears in several regions (${matches.map((g) => g.region).join(', ')}): pass --region`);
  return matches[0] as GroupRecord;
}

/** One rule as the IpPermission AuthorizeSecurityGroupIngress/Egress accepts; `newIds` maps restored groups. */
export function toIpPermission(rule: RuleRecord, newIds: ReadonlyMap<string, string> = new Map()): IpPermission {
  const permission: IpPermission = { IpProtocol: rule.ipProtocol };
  if (rule.fromPort !== undefined) permission.FromPort = rule.fromPort;
  if (rule.toPort !== undefined) permission.ToPort = rule.toPort;
  const description = rule.description ? { Description: rule.description } : {};
  if (rule.cidrIpv4) permission.IpRanges = [{ CidrIp: rule.cidrIpv4, ...description }];
  else if (rule.cidrIpv6) permission.Ipv6Ranges = [{ CidrIpv6: rule.cidrIpv6, ...description }];
  else if (rule.prefixListId) permission.PrefixListIds = [{ PrefixListId: rule.prefixListId, ...description }];
  else if (rule.referencedGroup) {
    const ref = rule.referencedGroup;
    // A reference to a restored group (itself included) points at its new id, in this account.
    const groupId = newIds.get(ref.groupId) ?? ref.groupId;
    permission.UserIdGroupPairs = [
      {
        GroupId: groupId,
        ...(ref.userId && groupId === ref.groupId ? { UserId: ref.userId } : {}),
        ...(ref.vpcPeeringConnectionId ? { VpcPeeringConnectionId: ref.vpcPeeringConnectionId } : {}),
        ...description,
      },
    ];
  }
  return permission;
}

export interface RuleFailure {
  rule: string;
  code: string;
  message: string;
}

export type RestoreStatus = 'created' | 'already-restored' | 'still-exists' | 'failed';

export interface RestoreResult {
  originalGroupId: string;
  region: string;
  groupName: string;
  status: RestoreStatus;
  /** Set unless the group could not be created or still exists. */
  newGroupId?: string;
  /** Why the group could not be created (status `failed`). */
  error?: string;
  /** Rules added now. */
  restoredRules: number;
  /** Rules the group already had (an earlier run, or the default egress kept as in the original). */
  presentRules: number;
  failedRules: RuleFailure[];
  revokedDefaultEgress: boolean;
}

const DEFAULT_EGRESS: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

async function createGroup(ec2: EC2Client, group: GroupRecord): Promise<string> {
  const tags = writableTags(group.tags).filter((t) => t.Key !== RESTORED_FROM_TAG);
  tags.push({ Key: RESTORED_FROM_TAG, Value: group.groupId });
  let created;
  try {
    created = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: group.groupName,
        Description: group.description || group.groupName,
        ...(group.vpcId ? { VpcId: group.vpcId } : {}),
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }],
      }),
    );
  } catch (error) {
    const { code, message } = toScanError(error);
    const hint = code === 'InvalidGroup.Duplicate' ? ' (another group with this name exists in the VPC, without the restored-from tag)' : '';
    throw new RestoreError(`${code}: ${message}${hint}`, { cause: error });
  }
  if (!created.GroupId) throw new RestoreError('CreateSecurityGroup returned no group id');
  return created.GroupId;
}

/** Adds one saved rule, with its description and tags; an identical rule already there counts as present. */
async function addRule(ec2: EC2Client, groupId: string, rule: RuleRecord, newIds: ReadonlyMap<string, string>): Promise<'added' | 'present' | RuleFailure> {
  const ruleTags = writableTags(rule.tags);
  const input = {
    GroupId: groupId,
    IpPermissions: [toIpPermission(rule, newIds)],
    ...(ruleTags.length > 0 ? { TagSpecifications: [{ ResourceType: 'security-group-rule' as const, Tags: ruleTags }] } : {}),
  };
  try {
    if (rule.isEgress) await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
    else await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
    return 'added';
  } catch (error) {
    const { code, message } = toScanError(error);
    if (code === 'InvalidPermission.Duplicate') return 'present';
    const gone = rule.referencedGroup && code === 'InvalidGroup.NotFound';
    const hint = gone ? ` (restore ${rule.referencedGroup?.groupId} too, in the same run, then this rule comes back)` : '';
    return { rule: describeRule(rule), code, message: `${message}${hint}` };
  }
}

/** Of the groups `ids`, the id of each one's allow-all IPv6 egress rule (-1 to ::/0, no description, no tags). */
async function defaultV6EgressRules(ec2: EC2Client, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks(ids, EC2_FILTER_VALUES)) {
    let token: string | undefined;
    do {
      const out: DescribeSecurityGroupRulesCommandOutput = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: chunk }], MaxResults: 1000, NextToken: token }),
      );
      for (const r of out.SecurityGroupRules ?? []) {
        const plain = r.IsEgress === true && r.IpProtocol === '-1' && r.CidrIpv6 === '::/0' && !r.Description && (r.Tags ?? []).length === 0;
        if (plain && r.GroupId && r.SecurityGroupRuleId && ids.includes(r.GroupId)) found.set(r.GroupId, r.SecurityGroupRuleId);
      }
      token = out.NextToken;
    } while (token);
  }
  return found;
}

/**
 * Restores groups of one region together: reads the region once, creates every group that is gone
 * and was not restored before (same name, description, VPC and tags, plus restored-from), then adds
 * each saved rule with its description and tags, a reference to any restored group (of this run or
 * an earlier one) pointing at its new id. Safe to re-run: a group already restored is reused and
 * only its missing rules are added. One rule or group that fails does not stop the others.
 */
export async function restoreGroups(groups: readonly GroupRecord[], clients: RegionClients): Promise<RestoreResult[]> {
  const ec2 = clients.get(EC2Client);
  const plan = planRestore(groups, await loadInventory(clients));
  const newIds = new Map(plan.restoredBefore);
  const results = new Map<PlannedGroup, RestoreResult>();
  for (const planned of plan.groups) {
    const { group } = planned;
    const result: RestoreResult = {
      originalGroupId: group.groupId,
      region: clients.region,
      groupName: group.groupName,
      status: planned.action === 'create' ? 'created' : planned.action,
      restoredRules: 0,
      presentRules: 0,
      failedRules: [],
      revokedDefaultEgress: false,
    };
    results.set(planned, result);
    if (planned.action === 'still-exists') continue;
    if (planned.action === 'already-restored') {
      result.newGroupId = planned.newGroupId;
      continue;
    }
    try {
      result.newGroupId = await createGroup(ec2, group);
      newIds.set(group.groupId, result.newGroupId);
    } catch (error) {
      result.status = 'failed';
      result.error = (error as Error).message;
    }
  }
  // A new group may also start with an allow-all IPv6 egress (a VPC with an IPv6 CIDR): read what
  // the created groups really have (one filtered listing per 200 groups) and revoke it below
  // unless the backup has that same rule.
  const createdIds = [...results.values()].filter((r) => r.status === 'created' && r.newGroupId).map((r) => r.newGroupId as string);
  const v6Defaults = await defaultV6EgressRules(ec2, createdIds);
  // Rules only once every group exists, so references between restored groups resolve.
  for (const planned of plan.groups) {
    const result = results.get(planned) as RestoreResult;
    const groupId = result.newGroupId;
    if (!groupId) continue;
    const { rules, keepDefaultEgress } = rulesToRestore(planned.group);
    // A new VPC group starts with the default egress; a reused one may still have it (a run that
    // stopped before revoking it).
    const hasDefaultEgress = planned.action === 'already-restored' ? planned.current.egress.some(isDefaultEgress) : planned.group.vpcId !== undefined;
    if (keepDefaultEgress) result.presentRules += 1;
    else if (hasDefaultEgress) {
      try {
        await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [DEFAULT_EGRESS] }));
        result.revokedDefaultEgress = true;
      } catch (error) {
        const { code, message } = toScanError(error);
        if (code !== 'InvalidPermission.NotFound') result.failedRules.push({ rule: 'revoke the default allow-all egress', code, message });
      }
    }
    const v6Default = planned.action === 'already-restored' ? planned.current.egress.find(isDefaultEgressV6)?.ruleId : v6Defaults.get(groupId);
    if (v6Default && !planned.group.egress.some(isDefaultEgressV6)) {
      try {
        await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [v6Default] }));
        result.revokedDefaultEgress = true;
      } catch (error) {
        const { code, message } = toScanError(error);
        if (code !== 'InvalidPermission.NotFound' && code !== 'InvalidSecurityGroupRuleId.NotFound') result.failedRules.push({ rule: 'revoke the default allow-all IPv6 egress', code, message });
      }
    }
    for (const rule of rules) {
      const outcome = await addRule(ec2, groupId, rule, newIds);
      if (outcome === 'added') result.restoredRules += 1;
      else if (outcome === 'present') result.presentRules += 1;
      else result.failedRules.push(outcome);
    }
  }
  return [...results.values()];
}

