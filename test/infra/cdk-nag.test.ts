import { Validations, type App } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app';
import { EMAIL } from './infra-fixture';

const code = () => Code.fromInline('exports.handler = async () => undefined;');

function build(): App {
  return buildApp({ context: { notificationEmail: EMAIL }, code }).app;
}

/** Rule ids acknowledged anywhere in the tree, with their reasons. */
function acknowledgements(root: IConstruct): Array<{ id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason })),
  );
}

function findings(app: App): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}: ${v.description}`));
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding, error or warning', () => {
    // Prepare
    const app = build();

    // Act
    const unacknowledged = findings(app);

    // Assess
    expect(unacknowledged).toEqual([]);
  });

  it('is registered on the app, so synth passes its validation', () => {
    // Prepare
    const app = build();

    // Act / Assess (an unacknowledged finding makes synth throw its report in tests)
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges each finding with a specific reason', () => {
    // Prepare
    const app = build();

    // Act
    const acks = acknowledgements(app);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });

  it('acknowledges only findings that exist (no stale acknowledgement)', () => {
    // Prepare
    const acknowledged = new Set(acknowledgements(build()).map((a) => a.id));
    const acknowledge = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let raised: Set<string>;
    try {
      // Act
      raised = new Set(new AwsSolutionsChecks().validateScope(build()).violations.map((v) => v.ruleName));
    } finally {
      acknowledge.mockRestore();
    }

    // Assess
    expect([...acknowledged].filter((id) => !raised.has(id))).toEqual([]);
  });
});
