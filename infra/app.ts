import { ConfigError } from '../lambda/core/config';
import { buildApp } from './build-app';

// The CDK CLI's entry (cdk.json). A configuration error is the operator's to fix: print it
// plainly instead of a stack trace.
try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`sg-auditor: ${error.message}`);
  process.exitCode = 1;
}
