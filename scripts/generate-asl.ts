import { writeFileSync } from 'node:fs';
import { ASL_FILES, synthesizeDefinitions } from '../infra/local-asl';

/**
 * `npm run asl`: writes each state machine's synthesized definition to the file that the local
 * runs read at run time (`sg-audit serve`, the demos, the workflow tests: no CDK needed there).
 * test/workflows/definition.test.ts and test/infra/org-stack.test.ts fail when a file and its
 * CDK construct disagree.
 */
const definitions = synthesizeDefinitions();
for (const machine of Object.keys(ASL_FILES) as Array<keyof typeof ASL_FILES>) {
  writeFileSync(ASL_FILES[machine], `${JSON.stringify(definitions[machine], null, 2)}\n`);
  process.stdout.write(`wrote ${ASL_FILES[machine]}\n`);
}
