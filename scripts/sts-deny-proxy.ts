import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of moto's STS that answers AssumeRole into the given accounts with
 * AccessDenied, as AWS does when the role does not exist or does not trust the caller (moto
 * itself never checks). Everything else is forwarded to moto unchanged.
 */
export async function startStsDenyProxy(target: string, deniedAccounts: readonly string[]): Promise<{ url: string; denied: number; close(): Promise<void> }> {
  const state = { denied: 0 };
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const roleArn = form.get('RoleArn') ?? '';
      if (form.get('Action') === 'AssumeRole' && deniedAccounts.some((a) => roleArn.includes(`::${a}:role/`))) {
        state.denied += 1;
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
            `<Message>User: arn:aws:sts::123456789012:assumed-role/worker/sg-auditor is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message>` +
            '</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>',
        );
        return;
      }
      const forward = request(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get denied() {
      return state.denied;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
