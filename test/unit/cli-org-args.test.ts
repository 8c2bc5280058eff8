import { parseAuditArgs } from '../../lambda/cli/audit-command';
import { UsageError } from '../../lambda/cli/io';

describe('sg-audit audit organization flags', () => {
  it('takes --accounts, --member-role and --concurrency into organization options', () => {
    // Act
    const parsed = parseAuditArgs(['--accounts', '111111111111,222222222222', '--member-role', 'audit-reader', '--concurrency', '4']);

    // Assess
    expect(parsed).toMatchObject({ org: { accounts: ['111111111111', '222222222222'], memberRole: 'audit-reader', concurrency: 4 } });
  });

  it('defaults the member role to OrganizationAccountAccessRole (the deployed member roles trust only the auditor\'s workers) and accepts all', () => {
    // Act
    const parsed = parseAuditArgs(['--accounts', 'all']);

    // Assess
    expect(parsed).toMatchObject({ org: { accounts: 'all', memberRole: 'OrganizationAccountAccessRole', concurrency: 8 } });
  });

  it('has no organization options without --accounts', () => {
    // Act
    const parsed = parseAuditArgs([]);

    // Assess
    expect(parsed).not.toHaveProperty('org');
  });

  it('rejects an account id that is not 12 digits, naming the flag', () => {
    // Act
    const act = () => parseAuditArgs(['--accounts', '1234']);

    // Assess
    expect(act).toThrow(UsageError);
    expect(act).toThrow(/--accounts: "1234" is not an account id/);
  });

  it('rejects --member-role without --accounts', () => {
    // Act
    const act = () => parseAuditArgs(['--member-role', 'x']);

    // Assess
    expect(act).toThrow(/--member-role applies to organization mode/);
  });

  it('rejects a role name with a path or a space', () => {
    // Act
    const act = () => parseAuditArgs(['--accounts', 'all', '--member-role', 'a/b c']);

    // Assess
    expect(act).toThrow(/--member-role: "a\/b c" is not an IAM role name/);
  });
});
