import { App, BootstraplessSynthesizer, CfnParameter, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TagSpec } from '../lambda/core/model';
import { memberRoleNames } from '../lambda/aws/member-role';
import { READD_ACTIONS, RECHECK_ACTIONS } from '../lambda/aws/deleter';
import { auditReadActions, deletionStatements, keepTaggingStatement, readStatements } from './permissions';

export const MEMBER_STACK_NAME = 'SgAuditorMember';
/**
 * The IAM path of the auditor's worker roles (the org audit's plan and region tasks, and the
 * deletion workflow's keep, re-audit and batch tasks).
 */
export const WORKER_ROLE_PATH = '/sg-auditor-worker/';

/**
 * The names of the auditor's worker roles in organization mode: fixed, so that each member role
 * trusts exact role ARNs of the auditor account (never a path wildcard, which any role an
 * administrator creates on that path would match). One sg-auditor per auditor account.
 */
export const WORKER_ROLE_NAMES = {
  plan: 'sg-auditor-org-plan',
  regionItems: 'sg-auditor-org-region-items',
  keep: 'sg-auditor-deletion-keep',
  reaudit: 'sg-auditor-deletion-reaudit',
  batch: 'sg-auditor-deletion-batch',
} as const;
export type WorkerRole = keyof typeof WORKER_ROLE_NAMES;

/** Who assumes which member role: the reader for reading (and the keep tags), the deleter for the batch only. */
export const MEMBER_ROLE_USERS: Readonly<Record<'reader' | 'deleter', readonly WorkerRole[]>> = {
  reader: ['plan', 'regionItems', 'keep', 'reaudit'],
  deleter: ['batch'],
};

export interface MemberStackProps extends StackProps {
  /** The base name (memberRoleName): the roles are <name>-reader and <name>-deleter. */
  roleName: string;
  protectTag: TagSpec;
  /** The tag the deleter may never delete (the stack's productionTag). */
  productionTag: TagSpec;
  /** The configured regions: the deleter deletes nowhere else ('all': any region). */
  regions?: readonly string[] | 'all';
  /** Defaults for the template's parameters (a StackSet passes its own values). */
  organizationId?: string;
  auditorAccountId?: string;
}

/**
 * The roles sg-auditor assumes in each member account. The reader: read rights of every
 * registered scanner (generated from the registry, no `*` action) and the two keep tags, trusting
 * the exact worker roles that audit, re-audit and tag. The deleter: deletion conditioned as in
 * the auditor's own account (configured regions, explicit denies for the production and
 * protection tags and for stack-managed groups), trusting only the deletion batch's role. Both
 * trust principals of the auditor account inside the Organization only.
 * Deployed alone (`cdk deploy SgAuditorMember`) or, from the main stack, as a StackSet.
 */
export class SgAuditorMemberStack extends Stack {
  readonly reader: iam.Role;
  readonly deleter: iam.Role;

  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id, props);
    const auditorAccount = new CfnParameter(this, 'AuditorAccountId', {
      type: 'String',
      description: 'The AWS account where the SgAuditor stack runs (its worker roles assume these roles)',
      allowedPattern: '^\\d{12}$',
      ...(props.auditorAccountId ? { default: props.auditorAccountId } : {}),
    });
    const organization = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      description: 'The AWS Organization id (o-...): only its principals may assume these roles',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      ...(props.organizationId ? { default: props.organizationId } : {}),
    });
    const names = memberRoleNames(props.roleName);
    const trusting = (users: readonly WorkerRole[]) =>
      new iam.AccountPrincipal(auditorAccount.valueAsString).withConditions({
        ArnEquals: { 'aws:PrincipalArn': users.map((u) => `arn:${this.partition}:iam::${auditorAccount.valueAsString}:role${WORKER_ROLE_PATH}${WORKER_ROLE_NAMES[u]}`) },
        StringEquals: { 'aws:PrincipalOrgID': organization.valueAsString },
      });
    const regions = props.regions ?? 'all';

    this.reader = new iam.Role(this, 'Reader', {
      roleName: names.reader,
      description: 'sg-auditor member reader: read-only audit of security group usage, and the two sg-auditor keep tags',
      assumedBy: trusting(MEMBER_ROLE_USERS.reader),
    });
    for (const statement of readStatements()) this.reader.addToPrincipalPolicy(statement);
    // A reviewer's "keep for N days" tags the kept groups in this account: the two keep keys only.
    this.reader.addToPrincipalPolicy(keepTaggingStatement(regions));

    this.deleter = new iam.Role(this, 'Deleter', {
      roleName: names.deleter,
      description: 'sg-auditor member deleter: deletes the approved, unprotected groups (the deletion batch only)',
      assumedBy: trusting(MEMBER_ROLE_USERS.deleter),
    });
    for (const statement of deletionStatements(props.protectTag, props.productionTag, regions)) this.deleter.addToPrincipalPolicy(statement);
    // A resumed batch checks whether in-flight groups are gone before deleting them again.
    this.deleter.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'CheckInFlightGroups', actions: ['ec2:DescribeSecurityGroups'], resources: ['*'] }));
    // Each batch re-checks its own groups right before deleting, and re-adds the rules it revoked
    // from a group that is then not deleted (as the home account's batch role does).
    this.deleter.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RecheckBeforeDeleting', actions: [...RECHECK_ACTIONS], resources: ['*'] }));
    this.deleter.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReaddRevokedCycleRules', actions: [...READD_ACTIONS], resources: [`arn:${Stack.of(this).partition}:ec2:*:${Stack.of(this).account}:security-group/*`] }),
    );
    acknowledgeMemberWildcards(this.reader, this.deleter);
  }
}

/** cdk-nag IAM5 for the member roles: the same reasons as the auditor's own audit role and deletion batch. */
function acknowledgeMemberWildcards(role: iam.Role, deleter: iam.Role): void {
  const describe = auditReadActions().filter((a) => a !== 'ssm:GetParametersByPath' && a !== 'apigateway:GET');
  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `The member role's read-only describe/list actions (${describe.join(', ')}) support no resource-level permissions; no action is a wildcard.`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*::parameter/aws/service/global-infrastructure/*]',
      reason: "Region discovery reads AWS's public global-infrastructure parameters in every region; the grant is limited to that path.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:*::/vpclinks]',
      reason: 'The apigateway-vpc-links source lists API Gateway VPC links in every audited region; GET is limited to the /vpclinks path.',
    },
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:security-group/*]',
    reason: 'Kept groups can be in any region of the member account and are chosen by a person at run time; tagging is limited to the two sg-auditor keep keys.',
  });
  Validations.of(deleter).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ec2:DescribeSecurityGroups supports no resource-level permissions.' });
  for (const type of ['security-group', 'security-group-rule']) {
    Validations.of(deleter).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*]`,
      reason:
        'Approved groups can be in any region of the member account and are chosen by a person at run time; deletion is limited to the configured regions and ' +
        'explicitly denied for the production and protection tags and for stack-managed groups.',
    });
  }
}

/**
 * The member stack's template as a document, for the StackSet's TemplateBody: synthesized in a
 * scratch app (parameters left open, the StackSet passes them).
 */
export function memberTemplateBody(props: Pick<MemberStackProps, 'roleName' | 'protectTag' | 'productionTag' | 'regions'>): string {
  const scratch = new App();
  // No bootstrap version check: a StackSet deploys the plain template to accounts never bootstrapped.
  const stack = new SgAuditorMemberStack(scratch, MEMBER_STACK_NAME, { ...props, synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
  return JSON.stringify(scratch.synth().getStackByName(stack.stackName).template);
}
