import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp, STACK_NAME } from '../infra/build-app';
import { dashboardBody, renderDashboardSketch } from './dashboard-body';

/**
 * `npm run dashboard-sketch`: synthesizes the stack (inline Lambda code: no bundling, no AWS)
 * and writes a layout sketch of its CloudWatch dashboard to docs/dashboard.svg.
 * test/infra/dashboard.test.ts fails when the file and the stack disagree.
 */
export const SKETCH_FILE = join(__dirname, '..', 'docs', 'dashboard.svg');

const { stack } = buildApp({
  context: { notificationEmail: 'ops@example.com' },
  code: () => Code.fromInline('exports.handler = async () => undefined;'),
});
const resources = Template.fromStack(stack).toJSON().Resources as Parameters<typeof dashboardBody>[0];
writeFileSync(SKETCH_FILE, renderDashboardSketch(dashboardBody(resources), `${STACK_NAME}-<region>`));
process.stdout.write(`wrote ${SKETCH_FILE}\n`);
