import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DELETION_ACTIONS } from '../lambda/aws/deleter';
import type { TagSpec } from '../lambda/core/model';
import { INVENTORY_ACTIONS } from '../lambda/aws/inventory';
import { REGION_ACTIONS } from '../lambda/aws/regions';
import { scannerActions } from '../lambda/aws/scanners/registry';

/**
 * IAM derived from the code: the actions come from what the inventory, region discovery and
 * every scanner declare, so adding a scanner adds its permission and nothing else does.
 */

/** Every read action an audit calls (sorted, unique): scanners + inventory + region discovery. */
export function auditReadActions(): string[] {
  return [...new Set([...scannerActions(), ...INVENTORY_ACTIONS, ...REGION_ACTIONS])].sort();
}

/** Read actions that support narrower resources than `*`, with those resources. */
function scopedResources(): Record<string, string[]> {
  return {
    // The "not offered" check reads only AWS's public global-infrastructure parameters.
    'ssm:GetParameter': [`arn:${Aws.PARTITION}:ssm:*::parameter/aws/service/global-infrastructure/*`],
    // API Gateway authorizes by HTTP verb on a path: on `*`, GET would also read API keys.
    'apigateway:GET': [`arn:${Aws.PARTITION}:apigateway:*::/vpclinks`],
  };
}

/**
 * The read statements: one per scoped action, and one statement for the describe/list actions,
 * which IAM only grants on `*` (they take no resource ARN).
 */
export function readStatements(actions: readonly string[] = auditReadActions()): iam.PolicyStatement[] {
  const scoped = scopedResources();
  const statements: iam.PolicyStatement[] = [];
  const unscoped = actions.filter((a) => !(a in scoped));
  if (unscoped.length > 0) statements.push(new iam.PolicyStatement({ sid: 'ReadOnlyDescribe', actions: [...unscoped], resources: ['*'] }));
  for (const action of actions.filter((a) => a in scoped)) {
    statements.push(new iam.PolicyStatement({ actions: [action], resources: scoped[action] ?? [] }));
  }
  return statements;
}

/** Security groups and their rules, in any region of this account (the approval spans regions). */
export function securityGroupArns(): string[] {
  const prefix = `arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}`;
  // Revoking by SecurityGroupRuleIds also authorizes against the rule resources.
  return [`${prefix}:security-group/*`, `${prefix}:security-group-rule/*`];
}

/** The tag CloudFormation puts on every group it creates: such a group is deleted through its stack. */
export const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-id';

/**
 * The deletion statements: allowed only on groups not tagged with the production tag, and
 * explicitly denied on groups carrying the protection tag or created by a CloudFormation stack.
 * IAM is the last line of defence if a report or the classifier were ever wrong; the tag checks
 * ignore case to err on the safe side (the classifier also ignores surrounding spaces).
 */
export function deletionStatements(protectTag: TagSpec, productionTag: TagSpec): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DeleteUnprotectedSecurityGroups',
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${productionTag.key}`]: productionTag.value } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyDeletingProtectedSecurityGroups',
      effect: iam.Effect.DENY,
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${protectTag.key}`]: protectTag.value } },
    }),
    // `Null: false` holds when the key is present with any value: every group a stack created.
    new iam.PolicyStatement({
      sid: 'DenyDeletingStackManagedSecurityGroups',
      effect: iam.Effect.DENY,
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { Null: { [`aws:ResourceTag/${CLOUDFORMATION_STACK_TAG}`]: 'false' } },
    }),
  ];
}

// Spelled out because the default key policy grants the account `kms:*`.
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * A key policy that lets the account's IAM policies manage the key and use it for `usage`
 * (the Lambda roles' own policies then grant the use), without any wildcard action.
 */
export function keyPolicy(usage: readonly string[], extra: readonly iam.PolicyStatement[] = []): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersAndDelegatesUse',
        principals: [new iam.AccountRootPrincipal()],
        actions: [...KEY_ADMIN_ACTIONS, ...usage],
        resources: ['*'],
      }),
      ...extra,
    ],
  });
}
