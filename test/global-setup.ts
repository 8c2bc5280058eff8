import { ensureCliBundle } from '../scripts/build-cli';
import { startMoto } from '../scripts/moto-server';

/**
 * Before any test file: the CLI bundle is brought up to date with the sources (tests run
 * bin/sg-audit.js as users do, and must never pass against an old build; this costs one stat
 * per input when current, a build when not), and one moto server starts for the whole run. Its
 * endpoint reaches the test workers through MOTO_ENDPOINT. Integration test files share it, so
 * each one works in regions of its own (see test/integration/README.md) and never resets moto's
 * state.
 */
export default async function globalSetup(): Promise<void> {
  await ensureCliBundle({ log: (line) => process.stderr.write(`\n${line}`) });
  const moto = await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  (globalThis as { __moto?: typeof moto }).__moto = moto;
}
