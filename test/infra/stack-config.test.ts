import { Code } from 'aws-cdk-lib/aws-lambda';
import { ConfigError } from '../../lambda/core/config';
import { buildApp } from '../../infra/build-app';
import { CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { checkContextKeys, parseSchedule, readStackConfig, type ContextKey } from '../../infra/stack-config';

const EMAIL = 'ops@example.com';

function read(context: Partial<Record<ContextKey, unknown>>) {
  return readStackConfig((key) => context[key]);
}

function errorOf(context: Partial<Record<ContextKey, unknown>>): ConfigError {
  try {
    read(context);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readStackConfig', () => {
  it('applies the documented defaults when only notificationEmail is given', () => {
    // Prepare / Act
    const config = read({ notificationEmail: EMAIL });

    // Assess
    expect(config).toEqual({
      notificationEmail: EMAIL,
      schedule: 'cron(0 2 1 * ? *)',
      regions: 'all',
      skipSources: [],
      protectTag: { key: 'DoNotDelete', value: 'true' },
      productionTag: { key: 'Environment', value: 'Production' },
      protectNamePatterns: ['prod-*', '*-live', 'critical-*'],
      minAgeDays: 7,
      linkValidityDays: 7,
      artifactRetentionDays: 400,
      dryRun: false,
      emailWhenClean: true,
      securityHubFindings: 'auto',
      integrationEvents: true,
      organization: false,
      accounts: 'all',
      memberRoleName: 'sg-auditor-member',
      memberStackSetTargets: [],
      maxConcurrency: 100,
      emailPerAccount: true,
      objectLock: false,
      idleDays: 90,
      approverSignIn: false,
      approversGroup: 'sg-auditor-approvers',
      approvalsRequired: 1,
    });
  });

  it('reads signed-in approval: on, with a configured approvers group and sign-in domain prefix', () => {
    // Prepare / Act
    const config = read({ notificationEmail: EMAIL, approverSignIn: 'true', approversGroup: 'cloud-security', signInDomainPrefix: 'acme-sg-approvals' });

    // Assess
    expect(config).toMatchObject({ approverSignIn: true, approversGroup: 'cloud-security', signInDomainPrefix: 'acme-sg-approvals' });
  });

  it('rejects two-person approval without signed-in approval, naming both keys', () => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, approvalsRequired: 2 });

    // Assess
    expect(error.message).toContain('context "approvalsRequired" is 2, which needs signed-in approval');
    expect(error.message).toContain('fix: cdk deploy -c approverSignIn=true -c approvalsRequired=2');
  });

  it('accepts two-person approval with signed-in approval', () => {
    // Prepare / Act
    const config = read({ notificationEmail: EMAIL, approverSignIn: true, approvalsRequired: '2' });

    // Assess
    expect(config.approvalsRequired).toBe(2);
  });

  it('rejects a sign-in domain prefix Cognito reserves, naming the key and the -c fix', () => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, approverSignIn: 'true', signInDomainPrefix: 'my-cognito-login' });

    // Assess
    expect(error.message).toContain('context "signInDomainPrefix" is invalid: Cognito reserves prefixes containing aws, amazon or cognito');
    expect(error.message).toContain('fix: cdk deploy -c signInDomainPrefix=');
  });

  it('rejects a missing notificationEmail, naming the key and the -c fix', () => {
    // Prepare / Act
    const error = errorOf({});

    // Assess
    expect(error.message).toContain('context "notificationEmail" is required');
    expect(error.message).toContain('-c notificationEmail=you@example.com');
  });

  it('rejects a malformed notificationEmail, naming the key and the -c fix', () => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: 'ops-at-example.com' });

    // Assess
    expect(error.message).toContain('context "notificationEmail" is invalid');
    expect(error.message).toContain('"ops-at-example.com" is not an email address');
    expect(error.message).toContain('-c notificationEmail=you@example.com');
  });

  it.each([
    ['cron(0 2 1 * ?)', 'has 5 cron fields'],
    ['cron(0 2 1 * * *)', 'one of day-of-month and day-of-week must be "?"'],
    ['daily', 'is not a schedule'],
    ['rate(0 days)', 'at least 1'],
    ['rate(1 days)', 'rate(1 day)'],
  ])('rejects the schedule %s, saying why and showing the -c fix', (schedule, why) => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, schedule });

    // Assess
    expect(error.message).toContain('context "schedule" is invalid');
    expect(error.message).toContain(why);
    expect(error.message).toContain("-c schedule='cron(0 2 1 * ? *)'");
  });

  it.each(['cron(0 2 1 * ? *)', 'cron(30 6 ? * MON *)', 'rate(1 day)', 'rate(12 hours)'])('accepts the schedule %s', (schedule) => {
    // Prepare / Act / Assess
    expect(parseSchedule(schedule)).toBe(schedule);
  });

  it('rejects a name pattern that is not a valid glob', () => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, protectNamePatterns: 'prod-*,[unclosed' });

    // Assess
    expect(error.message).toContain('context "protectNamePatterns" is invalid');
    expect(error.message).toContain('"[unclosed" is not a valid glob');
    expect(error.message).toContain('-c protectNamePatterns=');
  });

  it.each([
    ['regions', 'mars-north-1', 'is not a region name'],
    ['skipSources', 'ec2-instances,teleporters', 'unknown source "teleporters"'],
    ['skipSources', 'mwaa,launch-configurations', '"launch-configurations" cannot be skipped'],
    ['protectTag', 'DoNotDelete', 'expected Key=Value'],
    ['productionTag', 'Production', 'expected Key=Value'],
    ['minAgeDays', '-1', 'minAgeDays must be a whole number from 0 to 90'],
    ['linkValidityDays', '0', 'linkValidityDays must be a whole number from 1 to 30, got "0"'],
    ['linkValidityDays', '31', 'linkValidityDays must be a whole number from 1 to 30, got "31"'],
    ['artifactRetentionDays', 'forever', 'artifactRetentionDays must be a whole number from 1 to 3650'],
    ['artifactRetentionDays', '0', 'artifactRetentionDays must be a whole number from 1 to 3650, got "0"'],
    ['dryRun', 'yes', 'expected true or false'],
    ['emailWhenClean', 'maybe', 'expected true or false'],
  ])('rejects %s=%s with the shared parser message and the key', (key, value, why) => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, [key]: value });

    // Assess
    expect(error.message).toContain(`context "${key}" is invalid`);
    expect(error.message).toContain(why);
    expect(error.message).toContain(`-c ${key}=`);
  });

  it('rejects an artifact retention that would not outlive the approval link', () => {
    // Prepare / Act
    const error = errorOf({ notificationEmail: EMAIL, artifactRetentionDays: '7', linkValidityDays: '7' });

    // Assess
    expect(error.message).toContain('"artifactRetentionDays" (7) must be greater than linkValidityDays (7)');
  });

  it('accepts cdk.json-style values: lists, numbers and booleans', () => {
    // Prepare / Act
    const config = read({
      notificationEmail: EMAIL,
      regions: ['us-east-1', 'eu-west-1'],
      protectNamePatterns: ['legacy-*'],
      minAgeDays: 14,
      dryRun: true,
    });

    // Assess
    expect(config).toMatchObject({ regions: ['us-east-1', 'eu-west-1'], protectNamePatterns: ['legacy-*'], minAgeDays: 14, dryRun: true });
  });

  it('reads an explicitly empty list as "none" rather than the default, as the Lambda environment does', () => {
    // Prepare / Act
    const config = read({ notificationEmail: EMAIL, protectNamePatterns: '' });

    // Assess
    expect(config.protectNamePatterns).toEqual([]);
  });
});

describe('buildApp', () => {
  it('fails before creating any resource when the context is invalid', () => {
    // Prepare
    const code = () => Code.fromInline('exports.handler = async () => undefined;');

    // Act / Assess
    expect(() => buildApp({ context: { notificationEmail: EMAIL, schedule: 'every day' }, code })).toThrow(ConfigError);
  });
});

describe('context keys', () => {
  const code = () => Code.fromInline('exports.handler = async () => undefined;');

  it('rejects a mistyped key, naming the setting it was meant to be', () => {
    // Prepare / Act
    const run = () => buildApp({ context: { notificationEmail: EMAIL, minAgeDay: '14' }, code });

    // Assess
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('context "minAgeDay" is not a setting of this stack; did you mean minAgeDays?');
  });

  it('suggests the setting for a kebab-case spelling of it', () => {
    // Prepare / Act / Assess
    expect(() => checkContextKeys(['link-validity-days'])).toThrow('did you mean linkValidityDays?');
  });

  it('lists the settings and suggests nothing for a key that resembles none of them', () => {
    // Prepare / Act / Assess
    expect(() => checkContextKeys(['vpcId'])).toThrow(/^context "vpcId" is not a setting of this stack\nsettings: notificationEmail, schedule, /);
  });

  it("accepts the CDK's own keys: feature flags, what the CDK CLI passes and cached lookups", () => {
    // Prepare
    const keys = [
      '@aws-cdk/core:failSynthOnValidationErrors',
      'aws:cdk:enable-path-metadata',
      'aws:cdk:bundling-stacks',
      'cli-telemetry',
      'acknowledged-issue-numbers',
      'availability-zones:account=123456789012:region=us-east-1',
      'notificationEmail',
    ];

    // Act / Assess
    expect(() => checkContextKeys(keys)).not.toThrow();
  });
});

describe('feature flags', () => {
  it('sets every flag the CDK CLI would report as not configured, so synth does not warn', () => {
    // Prepare
    const { app } = buildApp({ context: { notificationEmail: EMAIL }, code: () => Code.fromInline('exports.handler = async () => undefined;') });

    // Act: the CLI's filterNeedsAttention (no user value, and unset differs from recommended).
    const unconfigured = Object.entries(FLAGS).filter(
      ([name, info]) =>
        !CURRENT_VERSION_EXPIRED_FLAGS.includes(name) &&
        app.node.tryGetContext(name) === undefined &&
        (info.unconfiguredBehavesLike?.v2 ?? false) !== info.recommendedValue,
    );

    // Assess
    expect(unconfigured.map(([name]) => name)).toEqual([]);
  });
});
