import { App, BootstraplessSynthesizer, CfnParameter, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TagSpec } from '../lambda/core/model';
import { auditReadActions, deletionStatements, keepTaggingStatement, readStatements } from './permissions';

export const MEMBER_STACK_NAME = 'SgAuditorMember';
/**
 * The IAM path of the auditor's worker roles (the org audit's plan and region tasks, and the
 * deletion workflow's re-audit and delete tasks): the member role trusts roles on this path only.
 */
export const WORKER_ROLE_PATH = '/sg-auditor-worker/';

export interface MemberStackProps extends StackProps {
  roleName: string;
  protectTag: TagSpec;
  /** The tag the role may never delete (the stack's productionTag). */
  productionTag: TagSpec;
  /** Defaults for the template's parameters (a StackSet passes its own values). */
  organizationId?: string;
  auditorAccountId?: string;
}

/**
 * The role sg-auditor assumes in each member account: read rights of every registered scanner
 * (generated from the registry, no `*` action) plus deletion conditioned as in the auditor's
 * own account, trusting only the auditor account's worker roles inside the Organization.
 * Deployed alone (`cdk deploy SgAuditorMember`) or, from the main stack, as a StackSet.
 */
export class SgAuditorMemberStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id, props);
    const auditorAccount = new CfnParameter(this, 'AuditorAccountId', {
      type: 'String',
      description: 'The AWS account where the SgAuditor stack runs (its worker roles assume this role)',
      allowedPattern: '^\\d{12}$',
      ...(props.auditorAccountId ? { default: props.auditorAccountId } : {}),
    });
    const organization = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      description: 'The AWS Organization id (o-...): only its principals may assume this role',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      ...(props.organizationId ? { default: props.organizationId } : {}),
    });
    const workers = `arn:${this.partition}:iam::${auditorAccount.valueAsString}:role${WORKER_ROLE_PATH}*`;

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'sg-auditor member role: read-only audit of security group usage, deletion of approved unprotected groups',
      assumedBy: new iam.AccountPrincipal(auditorAccount.valueAsString).withConditions({
        ArnLike: { 'aws:PrincipalArn': workers },
        StringEquals: { 'aws:PrincipalOrgID': organization.valueAsString },
      }),
    });
    for (const statement of readStatements()) this.role.addToPrincipalPolicy(statement);
    for (const statement of deletionStatements(props.protectTag, props.productionTag)) this.role.addToPrincipalPolicy(statement);
    // A reviewer's "keep for N days" tags the kept groups in this account: the two keep keys only.
    this.role.addToPrincipalPolicy(keepTaggingStatement());
    acknowledgeMemberWildcards(this.role);
  }
}

/** cdk-nag IAM5 for the member role: the same reasons as the auditor's own audit and approval roles. */
function acknowledgeMemberWildcards(role: iam.Role): void {
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
  for (const type of ['security-group', 'security-group-rule']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*]`,
      reason:
        'Approved and kept groups can be in any region of the member account and are chosen by a person at run time; deletion is conditioned on the ' +
        'group not carrying the production tag and explicitly denied for the protection tag; tagging is limited to the two sg-auditor keep keys.',
    });
  }
}

/**
 * The member stack's template as a document, for the StackSet's TemplateBody: synthesized in a
 * scratch app (parameters left open, the StackSet passes them).
 */
export function memberTemplateBody(props: Pick<MemberStackProps, 'roleName' | 'protectTag' | 'productionTag'>): string {
  const scratch = new App();
  // No bootstrap version check: a StackSet deploys the plain template to accounts never bootstrapped.
  const stack = new SgAuditorMemberStack(scratch, MEMBER_STACK_NAME, { ...props, synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
  return JSON.stringify(scratch.synth().getStackByName(stack.stackName).template);
}
