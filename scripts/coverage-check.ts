import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { COVERAGE_LEDGER } from '../lambda/aws/coverage';
import { SCANNERS } from '../lambda/aws/scanners/registry';
import { groupHoldingTypes, ledgerProblems } from '../lambda/core/coverage';

/**
 * Prints every way the coverage ledger disagrees with the installed resource model
 * (@aws-cdk/aws-service-spec, a devDependency) and the scanners' `covers`, one per line, and
 * exits 1 if there is any; with `--types`, prints each group-holding type and its property paths.
 * The same check runs in test/aws/coverage-ledger.test.ts.
 */
async function main(): Promise<number> {
  const db = await loadAwsServiceSpec();
  const holding = groupHoldingTypes({ resources: db.all('resource'), typeDefinition: (id) => db.get('typeDefinition', id) });
  if (process.argv.includes('--types')) {
    for (const [type, paths] of holding) process.stdout.write(`${type}\t${paths.join(', ')}\n`);
    return 0;
  }
  const problems = ledgerProblems(COVERAGE_LEDGER, holding, SCANNERS);
  for (const problem of problems) process.stdout.write(`${problem}\n`);
  process.stderr.write(`${holding.size} group-holding types in the installed spec; ${problems.length} problems\n`);
  return problems.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(2);
    },
  );
}
