import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DELETION_ACTIONS } from '../lambda/aws/deleter';
import { KEEP_TAG_KEYS } from '../lambda/core/keep';
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

/**
 * Tagging a group the reviewer kept: CreateTags on security groups only, with no tag key but the
 * two keep keys (ForAllValues alone also holds for a request with no tags, hence Null), and only
 * on existing groups (ec2:CreateAction is set when tags come with a create call), in the
 * configured regions when they are a list. The role can mark a group kept, nothing else.
 */
export function keepTaggingStatement(regions: readonly string[] | 'all' = 'all'): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'TagKeptGroupsWithTheKeepKeysOnly',
    actions: ['ec2:CreateTags'],
    resources: [`arn:${Aws.PARTITION}:ec2:*:${Aws.ACCOUNT_ID}:security-group/*`],
    conditions: {
      'ForAllValues:StringEquals': { 'aws:TagKeys': [...KEEP_TAG_KEYS] },
      Null: { 'aws:TagKeys': 'false', 'ec2:CreateAction': 'true' },
      ...(regions === 'all' ? {} : { StringEquals: { 'aws:RequestedRegion': [...regions] } }),
    },
  });
}

/** The tag CloudFormation puts on every group it creates: such a group is deleted through its stack. */
export const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-id';

/**
 * The values IAM compares a protective tag with: the value, and the value with one surrounding
 * space on either side or both (StringEqualsIgnoreCase ignores case, not spaces). IAM has no
 * trimming operator, so other spacing (two spaces, a tab) is not matched: the classifier, which
 * trims, still protects such a group, and the deletion never plans it.
 */
export function spacedVariants(value: string): string[] {
  return [...new Set([value, ` ${value}`, `${value} `, ` ${value} `])];
}

/**
 * The deletion statements: allowed only on groups not tagged with the production tag (and only
 * in the configured regions when they are a list), and explicitly denied on groups carrying the
 * production tag, the protection tag, or created by a CloudFormation stack. IAM is the last line
 * of defence if a report or the classifier were ever wrong; the tag checks ignore case and one
 * surrounding space (see spacedVariants for what IAM cannot compare).
 */
export function deletionStatements(protectTag: TagSpec, productionTag: TagSpec, regions: readonly string[] | 'all' = 'all'): iam.PolicyStatement[] {
  // With a list of regions, deleting anywhere else is refused by IAM too, not only by the code.
  const inRegions = regions === 'all' ? {} : { StringEquals: { 'aws:RequestedRegion': [...regions] } };
  return [
    new iam.PolicyStatement({
      sid: 'DeleteUnprotectedSecurityGroups',
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${productionTag.key}`]: spacedVariants(productionTag.value) }, ...inRegions },
    }),
    new iam.PolicyStatement({
      sid: 'DenyDeletingProductionSecurityGroups',
      effect: iam.Effect.DENY,
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${productionTag.key}`]: spacedVariants(productionTag.value) } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyDeletingProtectedSecurityGroups',
      effect: iam.Effect.DENY,
      actions: [...DELETION_ACTIONS],
      resources: securityGroupArns(),
      conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${protectTag.key}`]: spacedVariants(protectTag.value) } },
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
 * The approval-link key's policy: the account's IAM policies may administer the key, but its use
 * is not delegated to them. Only the `signers` may GenerateMac and only the `verifiers` may
 * VerifyMac, named here, and every other principal is explicitly denied both, so neither `kms:*`
 * in an IAM policy nor a grant mints or checks a link. CreateGrant is not delegated either: a
 * grant is a quiet way to hand out GenerateMac. Rewriting the key policy (kms:PutKeyPolicy) stays
 * an administrator's act, as it must for CloudFormation to update the key; CloudTrail records it.
 * Signers: the audit role, and in organization mode the assemble role (DESIGN.md "Approval link").
 */
export function macKeyPolicy(signers: readonly iam.IRole[], verifiers: readonly iam.IRole[]): iam.PolicyStatement[] {
  const use = (sid: string, action: string, roles: readonly iam.IRole[]) =>
    new iam.PolicyStatement({ sid, principals: roles.map((r) => new iam.ArnPrincipal(r.roleArn)), actions: [action], resources: ['*'] });
  // ArnNotEquals with several values holds when the caller matches none of them.
  const denyOthers = (sid: string, action: string, roles: readonly iam.IRole[]) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [action],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': roles.map((r) => r.roleArn) } },
    });
  return [
    use('SignerRolesSignLinks', 'kms:GenerateMac', signers),
    use('VerifierRolesVerifyLinks', 'kms:VerifyMac', verifiers),
    denyOthers('NoOtherSigner', 'kms:GenerateMac', signers),
    denyOthers('NoOtherVerifier', 'kms:VerifyMac', verifiers),
  ];
}

/** The administration the account keeps over the approval-link key: no use, no grants. */
export const MAC_KEY_ADMIN_ACTIONS = KEY_ADMIN_ACTIONS.filter((a) => a !== 'kms:CreateGrant');

/** A key policy that lets the account's IAM policies administer the key and nothing else. */
export function adminOnlyKeyPolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'AccountAdministers', principals: [new iam.AccountRootPrincipal()], actions: MAC_KEY_ADMIN_ACTIONS, resources: ['*'] }),
    ],
  });
}

/**
 * Bucket statements that keep a used link used and the evidence whole: the single-use lock under
 * approvals/, the deletion trail under deletions/ and the audits' reports, logs and backups under
 * audits/ cannot be deleted (a delete marker or a removed version would make a lock look absent
 * and reopen a still-valid link, or erase what a deletion was decided on), and a lock can only be
 * created, never overwritten (a PutObject to approvals/ must carry If-None-Match). They bind every
 * principal; S3 Lifecycle expiry is not subject to bucket policies and still cleans up.
 */
export function lockAndTrailStatements(bucket: { arnForObjects(key: string): string }): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'LocksTrailsAndEvidenceAreNeverDeleted',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [bucket.arnForObjects('approvals/*'), bucket.arnForObjects('deletions/*'), bucket.arnForObjects('audits/*')],
    }),
    new iam.PolicyStatement({
      sid: 'LocksAreOnlyCreated',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('approvals/*')],
      conditions: { Null: { 's3:if-none-match': 'true' } },
    }),
  ];
}

/** Topic statement: only principals of this account may subscribe (a subscriber receives every link). */
export function subscribeWithinAccountStatement(topicArn: string, account: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SubscribeOnlyFromThisAccount',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['sns:Subscribe'],
    resources: [topicArn],
    conditions: { StringNotEquals: { 'aws:PrincipalAccount': account } },
  });
}

/**
 * Topic statements limiting subscriptions to the stack's own: an email subscription of the
 * configured address (what the stack's AWS::SNS::Subscription creates). Any other protocol or
 * endpoint is denied to every principal, an administrator of the account included: a subscriber
 * receives every approval link. Adding a recipient is a stack change (notificationEmail).
 */
export function subscribeOnlyTheStackStatements(topicArn: string, email: string): iam.PolicyStatement[] {
  const deny = (sid: string, conditions: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['sns:Subscribe'], resources: [topicArn], conditions });
  return [
    deny('SubscribeOnlyByEmail', { StringNotEquals: { 'sns:Protocol': 'email' } }),
    deny('SubscribeOnlyTheConfiguredEmail', { StringNotEqualsIgnoreCase: { 'sns:Endpoint': email } }),
  ];
}

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

/** What an integration step of a Lambda calls (docs/integrations.md). */
export interface IntegrationNeeds {
  /** Security Hub: read the hub and the tool's findings, import (audit) or also update workflow fields (deletion end). */
  findings?: 'import' | 'import-and-update';
  /** PutEvents on the default bus, source sg-auditor only. */
  events?: boolean;
}

/**
 * Findings go to this account's hub under its own default product (BatchImportFindings takes only
 * the caller's account): import on that product ARN, reads and workflow updates on the hub, in
 * any region (a group's finding goes to its region's hub). Events: the home region's default bus,
 * and only with `source: sg-auditor` (events:source).
 */
export function integrationStatements(needs: IntegrationNeeds): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (needs.findings) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ImportFindingsAsThisAccount',
        actions: ['securityhub:BatchImportFindings'],
        resources: [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`],
      }),
      new iam.PolicyStatement({
        sid: 'ReadOwnFindings',
        actions: ['securityhub:DescribeHub', 'securityhub:GetFindings', ...(needs.findings === 'import-and-update' ? ['securityhub:BatchUpdateFindings'] : [])],
        resources: [`arn:${Aws.PARTITION}:securityhub:*:${Aws.ACCOUNT_ID}:hub/default`],
      }),
    );
  }
  if (needs.events) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'PutSgAuditorEvents',
        actions: ['events:PutEvents'],
        resources: [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`],
        // events:source is multivalued (one per entry): every entry's source must be sg-auditor, and
        // Null false so a request without the key is not allowed by an empty set. (StringEquals on it
        // never matches: the IAM conformance test showed every PutEvents denied.)
        conditions: { 'ForAllValues:StringEquals': { 'events:source': ['sg-auditor'] }, Null: { 'events:source': 'false' } },
      }),
    );
  }
  return statements;
}

/** cdk-nag IAM5 acknowledgements for integrationStatements (the region is the only wildcard). */
export const INTEGRATION_NAG_IDS = [
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:product/<AWS::AccountId>/default]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
];

/** The Security Hub and EventBridge rights of a Lambda that writes findings and/or events, as configured. */
export function grantIntegrations(role: iam.IRole, config: { securityHubFindings: string; integrationEvents: boolean }, findings: NonNullable<IntegrationNeeds['findings']>): void {
  const needs: IntegrationNeeds = { ...(config.securityHubFindings !== 'off' ? { findings } : {}), events: config.integrationEvents };
  for (const statement of integrationStatements(needs)) role.addToPrincipalPolicy(statement);
  if (needs.findings) {
    for (const id of INTEGRATION_NAG_IDS) {
      Validations.of(role).acknowledge({ id, reason: "A group's finding goes to the hub of the group's region, any audited region; this account's hub and default product only." });
    }
  }
}

