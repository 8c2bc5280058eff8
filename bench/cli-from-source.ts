/**
 * The CLI straight from the TypeScript sources, for `npm run bench` to compare with the bundle:
 * `node --import tsx bench/cli-from-source.ts <args>` is how bin/ ran it before the bundle.
 */
import { main, processIo } from '../lambda/cli/main';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sg-audit: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
