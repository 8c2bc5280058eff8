import type { Scanner } from './types';
import { networkInterfacesScanner } from './network-interfaces';
import { sgRuleReferencesScanner } from './sg-rule-references';

/** Every usage source, in report order. Adding a source is adding one file and one line here. */
export const SCANNERS: readonly Scanner[] = [
  networkInterfacesScanner,
  sgRuleReferencesScanner,
];

/** The union of every scanner's IAM actions (the stack grants exactly these). */
export function scannerActions(scanners: readonly Scanner[] = SCANNERS): string[] {
  return [...new Set(scanners.flatMap((s) => s.actions))].sort();
}
