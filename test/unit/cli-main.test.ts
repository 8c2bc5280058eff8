import { version } from '../../package.json';
import { COMMANDS, main, USAGE } from '../../lambda/cli/main';
import { io } from '../helpers/cli-io';


afterEach(() => {
  jest.restoreAllMocks();
});

describe('sg-audit dispatch through the command table', () => {
  it('loads no command for --help, --version or an unknown command', async () => {
    // Prepare
    const loads = Object.values(COMMANDS).map((entry) => jest.spyOn(entry, 'load'));

    // Act
    await main(['--help'], io());
    await main(['--version'], io());
    await main(['explode'], io());

    // Assess
    for (const load of loads) expect(load).not.toHaveBeenCalled();
  });

  it('loads only the command that runs', async () => {
    // Prepare
    const audit = jest.spyOn(COMMANDS.audit as NonNullable<(typeof COMMANDS)['audit']>, 'load');
    const others = Object.entries(COMMANDS)
      .filter(([name]) => name !== 'audit')
      .map(([, entry]) => jest.spyOn(entry, 'load'));

    // Act
    const code = await main(['audit', '--help'], io());

    // Assess
    expect(code).toBe(0);
    expect(audit).toHaveBeenCalledTimes(1);
    for (const load of others) expect(load).not.toHaveBeenCalled();
  });

  it('lists every command of the table in the usage, with its summary', () => {
    for (const [name, { summary }] of Object.entries(COMMANDS)) expect(USAGE).toMatch(new RegExp(`^  ${name} +${summary}$`, 'm'));
  });

  it('prints the version from package.json for --version', async () => {
    // Prepare
    const terminal = io();

    // Act
    const code = await main(['--version'], terminal);

    // Assess
    expect(code).toBe(0);
    expect(terminal.stdout).toBe(`sg-audit ${version}\n`);
  });

  it.each(['constructor', '__proto__', 'toString'])('treats %s (a name every object has) as an unknown command', async (name) => {
    // Prepare
    const terminal = io();

    // Act
    const code = await main([name], terminal);

    // Assess
    expect(code).toBe(2);
    expect(terminal.stderr).toBe(`sg-audit: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
  });
});
