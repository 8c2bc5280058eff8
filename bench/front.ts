import { startMoto } from '../scripts/moto-server';
import { seedApprovalScenario } from '../test/helpers/approve-moto';
import { bundleEntry, coldPage, type ColdPage } from './front-bundle';

export interface FrontMeasurement extends ColdPage {
  entry: string;
  bundleBytes: number;
}

/** Bundles each entry and times its cold review page against one seeded moto account. */
export async function measureFronts(entries: readonly string[], runs = 5): Promise<FrontMeasurement[]> {
  const moto = await startMoto();
  const saved = { ...process.env };
  try {
    const scenario = await seedApprovalScenario(moto.endpoint, 'us-west-2', 'bench-front');
    const query = new URL(scenario.link).search.replace(/^\?/, '');
    return entries.map((entry) => {
      const { file, bytes } = bundleEntry(entry);
      return { entry, bundleBytes: bytes, ...coldPage(file, { ...scenario.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', STATE_MACHINE_ARN: 'arn:aws:states:us-west-2:123456789012:stateMachine:bench' }, query, runs) };
    });
  } finally {
    process.env = saved;
    await moto.stop();
  }
}

if (require.main === module) {
  const entries = process.argv.slice(2);
  measureFronts(entries.length > 0 ? entries : ['lambda/approve/handler.ts']).then(
    (rows) => process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Today's (pre-workflow) approval Lambda at commit 048c934, measured with
 * `npx tsx bench/front.ts lambda/approve/handler.ts` on this 2-core machine (median of 5): it
 * bundled every scanner, since it re-audited and deleted in-process.
 */
export const BEFORE_WORKFLOW: FrontMeasurement = {
  entry: 'lambda/approve/handler.ts (048c934, before the workflow)',
  bundleBytes: 7_065_626,
  requireMs: 2584,
  firstGetMs: 106,
  status: 200,
  pageBytes: 5969,
};
