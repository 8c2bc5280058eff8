import { ConfigError } from '../../lambda/core/config';
import { readStackConfig, type ContextKey } from '../../infra/stack-config';

const EMAIL = 'ops@example.com';
const ORG = { notificationEmail: EMAIL, organization: 'true', organizationId: 'o-a1b2c3d4e5' };

function read(context: Partial<Record<ContextKey, unknown>>) {
  return readStackConfig((key) => context[key]);
}

function messageOf(context: Partial<Record<ContextKey, unknown>>): string {
  try {
    read(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('organization settings (CDK context)', () => {
  it('reads every organization setting', () => {
    // Act
    const config = read({
      ...ORG,
      accounts: '111111111111,222222222222',
      memberRoleName: 'audit-reader',
      memberStackSetTargets: 'ou-ab12-cdef3456,r-ab12',
      maxConcurrency: '40',
      emailPerAccount: 'false',
    });

    // Assess
    expect(config).toMatchObject({
      organization: true,
      organizationId: 'o-a1b2c3d4e5',
      accounts: ['111111111111', '222222222222'],
      memberRoleName: 'audit-reader',
      memberStackSetTargets: ['ou-ab12-cdef3456', 'r-ab12'],
      maxConcurrency: 40,
      emailPerAccount: false,
    });
  });

  it('requires organizationId in organization mode, showing the -c fix', () => {
    // Act
    const message = messageOf({ notificationEmail: EMAIL, organization: 'true' });

    // Assess
    expect(message).toContain('context "organizationId" is required with organization=true');
    expect(message).toContain('-c organizationId=o-a1b2c3d4e5');
  });

  it.each([
    ['accounts', '1234', '-c accounts=all'],
    ['memberRoleName', 'a role', '-c memberRoleName=sg-auditor-member'],
    ['memberStackSetTargets', 'ou-nope', '-c memberStackSetTargets=ou-ab12-cdef3456,ou-ab12-ghij7890'],
    ['maxConcurrency', '0', '-c maxConcurrency=100'],
    ['emailPerAccount', 'yes', '-c emailPerAccount=true'],
    ['organizationId', 'org-1', '-c organizationId=o-a1b2c3d4e5'],
  ] as const)('rejects a bad %s, naming it and the fix', (key, value, fix) => {
    // Act
    const message = messageOf({ ...ORG, [key]: value });

    // Assess
    expect(message).toContain(`context "${key}" is invalid`);
    expect(message).toContain(fix);
  });
});
