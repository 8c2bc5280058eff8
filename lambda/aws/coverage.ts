import { COVERAGE_LIST_URL, coverageFigure, parseLedger, type CoverageLedger } from '../core/coverage';
import type { ReportCoverage } from '../core/model';
import ledgerJson from './scanners/coverage-ledger.json';

/**
 * The coverage ledger beside the scanners (lambda/aws/scanners/coverage-ledger.json), read once
 * and checked for shape. Tests hold it to AWS's resource model and to every scanner's `covers`.
 */
export const COVERAGE_LEDGER: CoverageLedger = parseLedger(ledgerJson);

/** The ledger's figure as every report carries it. */
export function reportCoverage(ledger: CoverageLedger = COVERAGE_LEDGER): ReportCoverage {
  const { scanned, interfaces, notScanned } = coverageFigure(ledger);
  return { scanned, interfaces, notScanned, listUrl: COVERAGE_LIST_URL };
}
