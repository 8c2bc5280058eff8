import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SnsNotification {
  MessageId: string;
  Subject?: string;
  Message: string;
}

/** A local HTTP endpoint to subscribe to a moto topic: moto POSTs each notification to it during Publish. */
export async function startSnsReceiver(): Promise<{ url: string; received: SnsNotification[]; waitFor(count: number): Promise<void>; close(): Promise<void> }> {
  const received: SnsNotification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SnsNotification & { Type?: string };
      if (body.Type !== 'SubscriptionConfirmation') received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sns`,
    received,
    async waitFor(count) {
      const deadline = Date.now() + 5000;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} notifications, received ${received.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
