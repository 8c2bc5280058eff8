import { describeStartupError, parseAuditArgs } from '../../lambda/cli/audit-command';
import { UsageError } from '../../lambda/cli/io';
import { main } from '../../lambda/cli/main';
import { io } from '../helpers/cli-io';


describe('sg-audit audit flags', () => {
  it('defaults to every region, the default protections and a 7-day minimum age', () => {
    expect(parseAuditArgs([])).toEqual({
      settings: {
        regions: 'all',
        skipSources: [],
        minAgeDays: 7,
        protectTags: [{ key: 'DoNotDelete', value: 'true' }],
        productionTags: [{ key: 'Environment', value: 'Production' }],
        protectNamePatterns: ['prod-*', '*-live', 'critical-*'],
        idleDays: 90,
      },
      json: false,
      quiet: false,
    });
  });

  it('accepts every documented flag', () => {
    const parsed = parseAuditArgs([
      '--regions', 'us-east-1,eu-west-1', '--skip-sources', 'mwaa,apprunner', '--min-age-days', '0', '--idle-days', '30',
      '--protect-tag', 'Keep=yes', '--protect-tag', 'Owner=platform', '--production-tag', 'Stage=prod',
      '--protect-name-pattern', 'core-*', '--protect-name-pattern', '*-shared',
      '--json', '--out', 'out', '--quiet',
    ]);
    expect(parsed).toEqual({
      settings: {
        regions: ['us-east-1', 'eu-west-1'],
        skipSources: ['mwaa', 'apprunner'],
        minAgeDays: 0,
        protectTags: [
          { key: 'Keep', value: 'yes' },
          { key: 'Owner', value: 'platform' },
        ],
        productionTags: [{ key: 'Stage', value: 'prod' }],
        protectNamePatterns: ['core-*', '*-shared'],
        idleDays: 30,
      },
      json: true,
      quiet: true,
      outDir: 'out',
    });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--regions', 'us-east-1,moon'], /--regions: "moon" is not a region name/],
    [['--skip-sources', 'lambda,nope'], /--skip-sources: unknown source "nope"; valid sources: network-interfaces/],
    [['--min-age-days', 'ten'], /--min-age-days must be a whole number from 0 to 90/],
    [['--idle-days', '91'], /--idle-days must be a whole number from 0 to 90/],
    [['--skip-sources', 'mwaa,sg-rule-references'], /--skip-sources: "sg-rule-references" cannot be skipped/],
    [['--protect-tag', 'novalue'], /--protect-tag: expected Key=Value/],
    [['--production-tag', 'Production'], /--production-tag: expected Key=Value/],
    [['--protect-name-pattern', 'prod-[x'], /--protect-name-pattern: name pattern "prod-\[x" is not a valid glob/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseAuditArgs(argv)).toThrow(UsageError);
    expect(() => parseAuditArgs(argv)).toThrow(message);
  });

  it('explains missing credentials in one line with the fix', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeStartupError(error)).toMatch(/^no AWS credentials found: configure them/);
  });
});

describe('sg-audit dispatch', () => {
  it('prints one line and exits 2 on an unknown command', async () => {
    const terminal = io();
    expect(await main(['explode'], terminal)).toBe(2);
    expect(terminal.stderr).toBe('sg-audit: unknown command "explode" (commands: audit, delete, restore, serve)\n');
  });

  it('prints one line and exits 2 on a bad flag, with no stack trace', async () => {
    const terminal = io();
    expect(await main(['audit', '--regions', 'nope'], terminal)).toBe(2);
    expect(terminal.stderr.trim().split('\n')).toHaveLength(1);
    expect(terminal.stderr).not.toContain('    at ');
  });

  it('prints the usage for --help and exits 0', async () => {
    const terminal = io();
    expect(await main(['--help'], terminal)).toBe(0);
    expect(terminal.stdout).toContain('Usage: sg-audit <command>');
  });
});
