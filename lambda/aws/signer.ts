import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { MacProvider } from '../core/token';

const ALGORITHM = 'HMAC_SHA_256';

/** Approval-link MACs computed inside KMS with an HMAC_256 key; the key never leaves KMS. */
export function kmsMac(kms: KMSClient, keyId: string): MacProvider {
  return {
    async generate(message) {
      const out = await kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: ALGORITHM, Message: message }));
      if (!out.Mac) throw new Error('KMS GenerateMac returned no MAC');
      return Buffer.from(out.Mac);
    },
    async verify(message, mac) {
      try {
        const out = await kms.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: ALGORITHM, Message: message, Mac: mac }));
        return out.MacValid === true;
      } catch (error) {
        // KMS answers a wrong MAC with this exception rather than MacValid=false; anything
        // else (denied, throttled, key disabled) is a real failure and must surface.
        if ((error as Error).name === 'KMSInvalidMacException') return false;
        throw error;
      }
    },
  };
}
