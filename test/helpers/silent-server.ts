import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** A local HTTP server that accepts every connection and answers only what `answer` returns a body for. */
export interface SilentServer {
  endpoint: string;
  /** Connections open right now (the requests it never answered keep theirs open until the client gives up). */
  openSockets(): number;
  close(): Promise<void>;
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => resolve(body));
  });
}

/** Starts the server on a free loopback port. `answer` gets the request body and returns XML, or undefined to never answer. */
export async function startSilentServer(answer: (body: string) => string | undefined = () => undefined): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const xml = answer(body);
      if (xml === undefined) return; // accepted, never answered
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(xml);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** EC2 answers for the inventory (one group, no rules), so that the audit reaches its scanners. */
export function ec2InventoryOnly(accountId: string): (body: string) => string | undefined {
  return (body) => {
    const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    if (/(^|&)Action=DescribeSecurityGroups(&|$)/.test(body)) {
      return `<DescribeSecurityGroupsResponse ${ns}><requestId>r1</requestId><securityGroupInfo><item><groupId>sg-0a</groupId><groupName>app</groupName><groupDescription>d</groupDescription><vpcId>vpc-1</vpcId><ownerId>${accountId}</ownerId></item></securityGroupInfo></DescribeSecurityGroupsResponse>`;
    }
    if (/(^|&)Action=DescribeSecurityGroupRules(&|$)/.test(body)) {
      return `<DescribeSecurityGroupRulesResponse ${ns}><requestId>r2</requestId><securityGroupRuleSet/></DescribeSecurityGroupRulesResponse>`;
    }
    return undefined;
  };
}
