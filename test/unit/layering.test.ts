import { layerViolations, repoRoot, sourcesOf } from '../helpers/layering';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('import layering (core, aws, then the adapters)', () => {
  it('holds on the repository: no adapter imports a sibling adapter and core imports nothing above it', () => {
    // Act
    const violations = layerViolations(sourcesOf(repoRoot()));

    // Assess
    expect(violations).toEqual([]);
  });

  it('reads every file of lambda/ and infra/', () => {
    // Act
    const paths = [...sourcesOf(repoRoot()).keys()];

    // Assess
    expect(paths).toEqual(expect.arrayContaining(['lambda/core/model.ts', 'lambda/approve/approve-core.ts', 'lambda/workflows/deletion/tasks.ts', 'infra/app.ts']));
  });

  it('fails when the front imports the deletion workflow', () => {
    // Act
    const violations = layerViolations(files({ 'lambda/approve/approve-core.ts': "import type { X } from '../workflows/deletion/contract';" }));

    // Assess
    expect(violations).toEqual([{ file: 'lambda/approve/approve-core.ts', specifier: '../workflows/deletion/contract', target: 'lambda/workflows/deletion/contract', layer: 'lambda/approve' }]);
  });

  it('fails when a workflow imports the audit Lambda', () => {
    // Act
    const violations = layerViolations(files({ 'lambda/workflows/org-audit/org-tasks.ts': "import { publishReport } from '../../audit/run-scheduled-audit';" }));

    // Assess
    expect(violations.map((v) => v.target)).toEqual(['lambda/audit/run-scheduled-audit']);
  });

  it('fails when one workflow imports the other', () => {
    // Act
    const violations = layerViolations(files({ 'lambda/workflows/deletion/tasks.ts': "export { x } from '../org-audit/runtime';" }));

    // Assess
    expect(violations.map((v) => v.target)).toEqual(['lambda/workflows/org-audit/runtime']);
  });

  it('fails when core imports aws, or the AWS SDK', () => {
    // Act
    const violations = layerViolations(
      files({ 'lambda/core/classify.ts': "import { x } from '../aws/inventory';\nimport { EC2Client } from '@aws-sdk/client-ec2';\nconst y = require('../aws/audit');" }),
    );

    // Assess
    expect(violations.map((v) => v.target)).toEqual(['lambda/aws/inventory', '@aws-sdk/client-ec2', 'lambda/aws/audit']);
  });

  it('fails when aws imports an adapter', () => {
    // Act
    const violations = layerViolations(files({ 'lambda/aws/audit.ts': "const m = await import('../cli/main');" }));

    // Assess
    expect(violations.map((v) => v.target)).toEqual(['lambda/cli/main']);
  });

  it('lets the CLI host the front and the local workflows, and an adapter import core, aws and itself', () => {
    // Act
    const violations = layerViolations(
      files({
        'lambda/cli/serve-command.ts': "import { handleEvent } from '../approve/http';\nimport { x } from '../workflows/deletion/local';",
        'lambda/approve/handler.ts': "import { a } from '../core/token';\nimport { b } from '../aws/signer';\nimport { c } from './approve-core';",
        'infra/org-audit-workflow.ts': "import { ORG_STATES } from '../lambda/workflows/org-audit/states';\nimport { SCANNERS } from '../lambda/aws/scanners/registry';",
      }),
    );

    // Assess
    expect(violations).toEqual([]);
  });

  it('fails when infra imports an adapter other than the state names', () => {
    // Act
    const violations = layerViolations(files({ 'infra/stack.ts': "import { deps } from '../lambda/workflows/deletion/deps';" }));

    // Assess
    expect(violations.map((v) => v.target)).toEqual(['lambda/workflows/deletion/deps']);
  });
});
