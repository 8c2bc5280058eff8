import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { HttpResponse } from './approve-core';

/**
 * A local stand-in for the Lambda function URL: each HTTP request becomes a payload 2.0 event
 * (bodies base64-encoded, as the function URL does for form posts). Used by the browser test
 * and `npm run demo`; never deployed.
 */

export type EventHandler = (event: LambdaFunctionURLEvent, requestId: string) => Promise<HttpResponse>;

export interface LocalServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Reads at most `limit` + 1 bytes, so an oversized body is seen without buffering it all. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit + 1) break;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).subarray(0, limit + 1);
}

let counter = 0;

/** Converts a node request into a function URL event. */
export async function toFunctionUrlEvent(req: IncomingMessage, bodyLimit = 1024 * 1024): Promise<LambdaFunctionURLEvent> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
  // Plain HTTP here: the front's own origin is http://<host> (the function URL's is https).
  headers['x-forwarded-proto'] = 'http';
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req, bodyLimit);
  const now = new Date();
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${++counter}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body !== undefined,
  };
  if (body !== undefined) event.body = body.toString('base64');
  return event;
}

/**
 * Why `port` cannot be listened on at `host` ("in use", "needs root"), or undefined when it can:
 * checked before any other work so a busy port is one line, not a stack trace at the end.
 */
export function portProblem(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use: pick another, or 0 for any free port`
          : error.code === 'EACCES'
            ? `port ${port} on ${host} needs more privileges: pick one above 1023`
            : error.code === 'EADDRNOTAVAIL'
              ? `${host} is not an address of this machine`
              : `cannot listen on ${host}:${port}: ${error.message}`,
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

/** Serves `handle` on http://host:port/ (port 0 picks a free one). */
export function startLocalServer(handle: EventHandler, options: { host?: string; port?: number } = {}): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    toFunctionUrlEvent(req)
      .then((event) => handle(event, event.requestContext.requestId))
      .then((out) => {
        res.writeHead(out.statusCode, { ...out.headers, ...(out.cookies?.length ? { 'Set-Cookie': out.cookies } : {}) });
        res.end(req.method === 'HEAD' ? undefined : out.body);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`local server error: ${(error as Error).message}`);
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://${host}:${port}/`,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
