import type { LogSink } from '../core/deletion-contract';
import { handleEvent } from '../approve/http';
import { approveDepsFromEnv } from '../approve/handler';
import { portProblem, startLocalServer, type LocalServer } from '../approve/local-server';
import { ClientFactory } from '../aws/client-factory';
import { deletionDepsFromEnv, type DeletionDepsOptions } from '../workflows/deletion/deps';
import { localDeletionWorkflow } from '../workflows/deletion/local';
import { parseFlags, UsageError, type CliCommand, type CliIo } from './io';

export const SERVE_USAGE = `Usage: sg-audit serve [--port N] [--host 127.0.0.1]

Serves the approval front on http://HOST:PORT/ and runs the deletion state machine on this machine
(the deployed definition, interpreted locally) against whatever the AWS SDK environment points at.
Open the approval link from the audit email with this server's address instead of the function URL.

Environment: ARTIFACT_BUCKET, TOPIC_ARN, MAC_KEY_ID (as the Lambdas), and optionally REGIONS,
SKIP_SOURCES, PROTECT_TAG, PROTECT_NAME_PATTERNS, MIN_AGE_DAYS (the deployed settings the re-audit
compares with the report's), plus the SDK's own (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...).
Signed-in approval: SIGNIN_ISSUER, SIGNIN_CLIENT_ID, SIGNIN_AUTHORIZE_URL, SIGNIN_TOKEN_URL,
SIGNIN_GROUP (optional SIGNIN_JWKS_URI, SIGNIN_GROUPS_CLAIM) and APPROVALS_REQUIRED=2 for two
approvers; register http://HOST:PORT/callback as the client's redirect URI.

Options:
  --port N     TCP port (default 8080; 0 picks a free one)
  --host H     address to listen on (default 127.0.0.1)
  -h, --help   this help
`;

/** Placeholder ARN: locally the front starts the definition itself, not Step Functions. */
export const LOCAL_STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:sg-auditor-deletion';

export interface Served {
  server: LocalServer;
  workflow: ReturnType<typeof localDeletionWorkflow>;
  close(): Promise<void>;
}

/** The front and the local workflow on one server (also used by `npm run demo`). */
export async function serveApprovals(
  env: Record<string, string | undefined>,
  options: { port?: number; host?: string; tasks?: DeletionDepsOptions; logger?: LogSink } = {},
): Promise<Served> {
  const factory = options.tasks?.factory ?? new ClientFactory();
  const full = { STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN, ...env };
  const workflow = localDeletionWorkflow(deletionDepsFromEnv(full, { ...options.tasks, factory, ...(options.logger ? { logger: options.logger } : {}) }));
  const deps = approveDepsFromEnv(full, { factory, workflow, ...(options.logger ? { logger: options.logger } : {}) });
  const server = await startLocalServer((event, requestId) => handleEvent(event, requestId, () => deps, deps.logger), {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
  return {
    server,
    workflow,
    close: async () => {
      server.server.closeAllConnections();
      await server.close();
      await workflow.executions.settled();
      factory.destroy();
    },
  };
}

/** `sg-audit serve`: runs until interrupted. */
export const serveCommand: CliCommand = async (argv: string[], io: CliIo) => {
  const values = parseFlags('serve', argv, { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(SERVE_USAGE);
    return 0;
  }
  const port = Number(values.port ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a TCP port number (0-65535)');
  const problem = port === 0 ? undefined : await portProblem(port, values.host ?? '127.0.0.1');
  if (problem) throw new UsageError(`--port: ${problem}`);
  const served = await serveApprovals(io.env, { port, ...(values.host ? { host: values.host } : {}) });
  io.err(`sg-audit serve: approval front on ${served.server.url} (deletion workflow runs locally); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
  return 0;
};
