import { OSISClient } from '@aws-sdk/client-osis';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ClientFactory } from '../../lambda/aws/client-factory';

type Configured = { config: { requestHandler?: { handle?: unknown }; endpoint?: () => Promise<{ hostname: string; port?: number }> } };

describe('clients built before the SDK moved to Smithy (e.g. @aws-sdk/client-osis 3.332)', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  it('get a request handler they can call, where a plain options object would fail every call', () => {
    // Prepare
    const factory = new ClientFactory();

    // Act
    const osis = factory.forRegion('us-east-1').get(OSISClient) as unknown as Configured;
    const ec2 = factory.forRegion('us-east-1').get(EC2Client) as unknown as Configured;

    // Assess
    expect(typeof osis.config.requestHandler?.handle).toBe('function');
    expect(typeof ec2.config.requestHandler?.handle).toBe('function');
    factory.destroy();
  });

  it('are sent to AWS_ENDPOINT_URL, which they do not read themselves', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4599';
    const factory = new ClientFactory();

    // Act
    const endpoint = await (factory.forRegion('us-east-1').get(OSISClient) as unknown as Configured).config.endpoint?.();

    // Assess
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4599 });
    factory.destroy();
  });
});
