import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MacProvider } from '../../lambda/core/token';

/** An in-memory HMAC-SHA-256 MacProvider: KMS GenerateMac/VerifyMac without KMS. */
export function hmacMac(key: Buffer = randomBytes(32)): MacProvider & { calls: number } {
  const mac = (message: Buffer) => createHmac('sha256', key).update(message).digest();
  const provider = {
    calls: 0,
    async generate(message: Buffer) {
      provider.calls += 1;
      return mac(message);
    },
    async verify(message: Buffer, signature: Buffer) {
      provider.calls += 1;
      const expected = mac(message);
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    },
  };
  return provider;
}
