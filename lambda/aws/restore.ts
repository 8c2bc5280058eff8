import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { BACKUP_SCHEMA_VERSION, type Backup } from '../core/backup';
import type { GroupRecord, RuleRecord } from '../core/model';
import { describeRule } from '../core/render-log';
import type { RegionClients } from './client-factory';
import { toScanError } from './errors';

/** IAM actions `sg-audit restore` calls. */
export const RESTORE_ACTIONS = [
  'ec2:CreateSecurityGroup',
  'ec2:CreateTags',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupEgress',
] as const;

/** The tag naming the group a restored group was recreated from. */
export const RESTORED_FROM_TAG = 'sg-auditor:restored-from';

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

/** One rule as the IpPermission AuthorizeSecurityGroupIngress/Egress accepts. */
export function toIpPermission(rule: RuleRecord, selfId?: { from: string; to: string }): IpPermission {
  const permission: IpPermission = { IpProtocol: rule.ipProtocol };
  if (rule.fromPort !== undefined) permission.FromPort = rule.fromPort;
  if (rule.toPort !== undefined) permission.ToPort = rule.toPort;
  const description = rule.description ? { Description: rule.description } : {};
  if (rule.cidrIpv4) permission.IpRanges = [{ CidrIp: rule.cidrIpv4, ...description }];
  else if (rule.cidrIpv6) permission.Ipv6Ranges = [{ CidrIpv6: rule.cidrIpv6, ...description }];
  else if (rule.prefixListId) permission.PrefixListIds = [{ PrefixListId: rule.prefixListId, ...description }];
  else if (rule.referencedGroup) {
    const ref = rule.referencedGroup;
    // A rule of the group referencing itself must point at the new group.
    const groupId = selfId && ref.groupId === selfId.from ? selfId.to : ref.groupId;
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

const isAllowAllEgress = (r: RuleRecord) => r.ipProtocol === '-1' && r.cidrIpv4 === '0.0.0.0/0' && !r.referencedGroup;

export interface RuleFailure {
  rule: string;
  code: string;
  message: string;
}

export interface RestoreResult {
  originalGroupId: string;
  newGroupId: string;
  region: string;
  groupName: string;
  restoredRules: number;
  failedRules: RuleFailure[];
  revokedDefaultEgress: boolean;
}

/**
 * Recreates a group from its backup record: same name, description, VPC and tags (plus one
 * naming the original id), then each saved rule on its own so one that cannot be restored
 * (a referenced group that is gone) does not stop the others. The group gets a new id.
 */
export async function restoreGroup(group: GroupRecord, clients: RegionClients): Promise<RestoreResult> {
  const ec2 = clients.get(EC2Client);
  const tags = Object.entries(group.tags)
    .filter(([key]) => !key.toLowerCase().startsWith('aws:') && key !== RESTORED_FROM_TAG)
    .map(([Key, Value]) => ({ Key, Value }));
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
    const hint = code === 'InvalidGroup.Duplicate' ? ' (a group with this name already exists in the VPC: is the original still there?)' : '';
    throw new RestoreError(`could not create ${group.groupName}: ${code}: ${message}${hint}`, { cause: error });
  }
  const newGroupId = created.GroupId;
  if (!newGroupId) throw new RestoreError('CreateSecurityGroup returned no group id');

  const result: RestoreResult = {
    originalGroupId: group.groupId,
    newGroupId,
    region: clients.region,
    groupName: group.groupName,
    restoredRules: 0,
    failedRules: [],
    revokedDefaultEgress: false,
  };
  const self = { from: group.groupId, to: newGroupId };
  // A new VPC group starts with allow-all egress: keep it only if the original had it.
  const keepsDefaultEgress = group.egress.some(isAllowAllEgress);
  if (!keepsDefaultEgress) {
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({ GroupId: newGroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    );
    result.revokedDefaultEgress = true;
  } else {
    result.restoredRules += group.egress.filter(isAllowAllEgress).length;
  }
  const rules = [...group.ingress, ...group.egress.filter((r) => !isAllowAllEgress(r))];
  for (const rule of rules) {
    const input = { GroupId: newGroupId, IpPermissions: [toIpPermission(rule, self)] };
    try {
      if (rule.isEgress) await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
      else await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
      result.restoredRules += 1;
    } catch (error) {
      const { code, message } = toScanError(error);
      if (code === 'InvalidPermission.Duplicate') {
        result.restoredRules += 1;
        continue;
      }
      result.failedRules.push({ rule: describeRule(rule), code, message });
    }
  }
  return result;
}
