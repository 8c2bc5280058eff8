import { startMoto } from '../scripts/moto-server';

/**
 * Starts one moto server for the whole run. Its endpoint reaches the test workers through
 * MOTO_ENDPOINT. Integration test files share it, so each one works in regions of its own
 * (see test/integration/README.md) and never resets moto's state.
 */
export default async function globalSetup(): Promise<void> {
  const moto = await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  (globalThis as { __moto?: typeof moto }).__moto = moto;
}
