import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FunctionCodeFactory } from './auditor-function';
import { MEMBER_STACK_NAME, SgAuditorMemberStack } from './member-stack';
import { SgAuditorStack } from './sg-auditor-stack';
import { checkContextKeys, readStackConfig, type ContextKey } from './stack-config';

export const STACK_NAME = 'SgAuditor';

/**
 * Every feature flag the CDK CLI would count as "not configured" (its recommended value differs
 * from how it behaves unset), set to how it behaves unset: the template is unchanged, and synth
 * stops printing "N feature flags are not configured". Moving a flag to its recommended value
 * is then a deliberate change with a template diff (`cdk flags --unstable=flags` lists them).
 * target-partitions has no unset value to pin; its recommended value leaves this template as is.
 */
const TARGET_PARTITIONS = '@aws-cdk/core:target-partitions';
const unsetValue = (info: (typeof FLAGS)[string]): unknown => info.unconfiguredBehavesLike?.v2 ?? false;
export const PINNED_FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(FLAGS)
    .filter(([name, info]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(name) && unsetValue(info) !== info.recommendedValue)
    .map(([name, info]) => [name, name === TARGET_PARTITIONS ? info.recommendedValue : unsetValue(info)]),
);

/** Feature flags (the lowest-precedence context, so cdk.json could override). */
const FEATURE_FLAGS = {
  ...PINNED_FEATURE_FLAGS,
  // Access logs delivered under a bucket policy, so the log bucket can keep ACLs disabled.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export interface BuildAppOptions extends AppProps {
  /** Replaces bundled Lambda code (tests); by default both handlers are bundled with esbuild. */
  code?: FunctionCodeFactory;
}

/**
 * The whole CDK app: validated configuration from context, the stack, and cdk-nag's
 * AwsSolutions checks (an unacknowledged finding fails synth). Throws ConfigError on bad context.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: SgAuditorStack; member?: SgAuditorMemberStack } {
  const { code, ...appProps } = options;
  const app = new App({ ...appProps, context: { ...FEATURE_FLAGS, ...appProps.context } });
  checkContextKeys(Object.keys(app.node.getAllContext() as Record<string, unknown>));
  const config = readStackConfig((key: ContextKey) => app.node.tryGetContext(key));
  const stack = new SgAuditorStack(app, STACK_NAME, {
    description: 'sg-auditor: finds unused EC2 security groups and deletes only what a person approves',
    config,
    ...(code ? { code } : {}),
  });
  // Organization mode: the member role as a stack of its own (`cdk deploy SgAuditorMember` in an
  // account the StackSet does not reach, such as the management account).
  const member = config.organization
    ? new SgAuditorMemberStack(app, MEMBER_STACK_NAME, {
        description: 'sg-auditor member role: lets the auditor account audit this account',
        roleName: config.memberRoleName,
        protectTag: config.protectTag,
        productionTag: config.productionTag,
        regions: config.regions,
        ...(config.organizationId ? { organizationId: config.organizationId } : {}),
        ...(config.auditorAccountId ? { auditorAccountId: config.auditorAccountId } : {}),
      })
    : undefined;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, ...(member ? { member } : {}) };
}
