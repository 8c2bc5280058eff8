import { createServer, request, type IncomingMessage, type Server } from 'node:http';

/**
 * A local proxy in front of moto that makes AWS's public service list lag the way the real one
 * does: the SSM global-infrastructure parameters of the dropped services are missing
 * (GetParameter answers ParameterNotFound, GetParametersByPath leaves them out). Every other
 * request goes to moto unchanged.
 */
export interface SsmFilterProxy {
  endpoint: string;
  /** SSM requests seen, as "AmazonSSM.GetParameter /aws/service/...". */
  ssmRequests: string[];
  close(): Promise<void>;
}

const SERVICE_PARAMETER = /^\/aws\/service\/global-infrastructure\/regions\/[^/]+\/services\/([^/]+)$/;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        void readBody(res).then((data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }), reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startSsmFilterProxy(motoEndpoint: string, dropped: readonly string[]): Promise<SsmFilterProxy> {
  const target = new URL(motoEndpoint);
  const drop = new Set(dropped);
  const ssmRequests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const action = String(req.headers['x-amz-target'] ?? '');
      if (action.startsWith('AmazonSSM.')) {
        const input = JSON.parse(body.toString('utf8') || '{}') as { Name?: string; Path?: string };
        ssmRequests.push(`${action} ${input.Name ?? input.Path ?? ''}`);
        const code = input.Name?.match(SERVICE_PARAMETER)?.[1];
        if (action === 'AmazonSSM.GetParameter' && code && drop.has(code)) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ParameterNotFound', message: `Parameter ${input.Name} not found.` }));
          return;
        }
        if (action === 'AmazonSSM.GetParametersByPath') {
          const answer = await forward(target, req, body);
          const parsed = JSON.parse(answer.body.toString('utf8')) as { Parameters?: Array<{ Name?: string }> };
          parsed.Parameters = (parsed.Parameters ?? []).filter((p) => !drop.has(p.Name?.match(SERVICE_PARAMETER)?.[1] ?? ''));
          res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(parsed));
          return;
        }
      }
      const answer = await forward(target, req, body);
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ssmRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
