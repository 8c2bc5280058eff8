import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { chooseChromium } from '../../scripts/chromium';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-chromium-choice-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('choosing the Chromium to launch', () => {
  it('prefers a chromium on PATH to the npm package', async () => {
    // Prepare
    const bin = await mkdtemp(join(root, 'bin-'));
    await writeFile(join(bin, 'chromium'), '#!/bin/sh\n');
    await chmod(join(bin, 'chromium'), 0o755);

    // Act
    const choice = await chooseChromium({ PATH: bin }, []);

    // Assess
    expect(choice).toEqual({ executablePath: join(bin, 'chromium'), source: 'system' });
  });

  it('uses CHROMIUM_PATH before anything else', async () => {
    // Prepare
    const bin = await mkdtemp(join(root, 'bin-'));
    await writeFile(join(bin, 'chromium'), '#!/bin/sh\n');
    await chmod(join(bin, 'chromium'), 0o755);

    // Act
    const choice = await chooseChromium({ PATH: bin, CHROMIUM_PATH: '/opt/chrome/chrome' }, [join(bin, 'chromium')]);

    // Assess
    expect(choice).toEqual({ executablePath: '/opt/chrome/chrome', source: 'system' });
  });

  it('passes over a chromium file on PATH that is not executable', async () => {
    // Prepare
    const bin = await mkdtemp(join(root, 'bin-'));
    await writeFile(join(bin, 'chromium'), 'not a program\n');
    await chmod(join(bin, 'chromium'), 0o644);

    // Act
    const choice = await chooseChromium({ PATH: bin }, []);

    // Assess
    expect(choice.source).toBe('npm');
  }, 60_000);

  it('uses the browser inside the @sparticuz/chromium package, unpacked under node_modules/.cache, when there is no system one', async () => {
    // Prepare
    const empty = await mkdtemp(join(root, 'empty-'));

    // Act
    const choice = await chooseChromium({ PATH: empty }, []);

    // Assess
    expect(choice.source).toBe('npm');
    expect(choice.executablePath).toContain(`${sep}node_modules${sep}.cache${sep}sg-auditor${sep}chromium-`);
    expect(() => accessSync(choice.executablePath, constants.X_OK)).not.toThrow();
  }, 60_000);
});
