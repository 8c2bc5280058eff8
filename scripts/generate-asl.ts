import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeDeletionDefinition } from '../infra/deletion-asl';

/**
 * `npm run asl`: writes the deletion state machine's synthesized definition to the file that
 * `sg-audit serve` and the local runner read at run time (no CDK needed there).
 * test/workflows/definition.test.ts fails when the file and the CDK construct disagree.
 */
export const ASL_FILE = join(__dirname, '..', 'lambda', 'workflows', 'deletion', 'definition.asl.json');

writeFileSync(ASL_FILE, `${JSON.stringify(synthesizeDeletionDefinition(), null, 2)}\n`);
process.stdout.write(`wrote ${ASL_FILE}\n`);
