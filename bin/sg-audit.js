#!/usr/bin/env node
// Runs the bundled CLI (dist/cli/, built by `npm ci` through `prepare`, or `npm run build`).
// The bundle is checked against its inputs first and rebuilt when stale, so an edit or a
// `git pull` never runs old code; the commands' code loads only when a command runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Stack traces point at the TypeScript sources when asked for (source maps cost start-up time).
if (process.env.SG_AUDIT_DEBUG) process.setSourceMapsEnabled(true);

const fail = (error) => {
  process.stderr.write(`sg-audit: ${error && error.message ? error.message : String(error)}\n`);
  process.exitCode = 1;
};

require('../scripts/build-cli.js')
  .ensureCliBundle({ log: (line) => process.stderr.write(`${line}\n`) })
  .then((entry) => import(entry))
  .then(({ main, processIo }) => main(process.argv.slice(2), processIo()))
  .then((code) => {
    process.exitCode = code;
  }, fail);
