#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (no build step).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
const { main, processIo } = require('../lambda/cli/main.ts');

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`sg-audit: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
