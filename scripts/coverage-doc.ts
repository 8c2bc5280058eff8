import { COVERAGE_LEDGER } from '../lambda/aws/coverage';
import { coverageFigure, coverageSentence, notScannedPlaces, type CoverageLedger } from '../lambda/core/coverage';

/** A Markdown table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/**
 * docs/coverage.md's generated parts, from the coverage ledger: the figure, the places not
 * scanned with why, and the entries that are not a usage with why.
 */
export function coverageDoc(ledger: CoverageLedger = COVERAGE_LEDGER): { figure: string; notScanned: string; notAUsage: string } {
  const figure = coverageFigure(ledger);
  const total = Object.keys(ledger).length;
  const notAUsage = Object.entries(ledger)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, entry]) => ('not-a-usage' in entry ? [`| \`${key}\` | ${cell(entry['not-a-usage'])} |`] : []));
  return {
    figure: `**${coverageSentence(figure)}** (listed below), and ${figure.notAUsage} that hold no usage: ${total} entries in the ledger.`,
    notScanned: ['| place | why it is not scanned |', '|---|---|', ...notScannedPlaces(ledger).map(({ key, why }) => `| \`${key}\` | ${cell(why)} |`)].join('\n'),
    notAUsage: ['| place | why it is not a usage |', '|---|---|', ...notAUsage].join('\n'),
  };
}

if (require.main === module) {
  const doc = coverageDoc();
  process.stdout.write(`${doc.figure}\n\n${doc.notScanned}\n\n${doc.notAUsage}\n`);
}
