import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory } from './client-factory';
import { homeRegion } from './regions';

/** The account the credentials belong to (sts:GetCallerIdentity needs no IAM permission). */
export async function currentAccountId(factory: ClientFactory): Promise<string> {
  const out = await factory.forRegion(homeRegion()).get(STSClient).send(new GetCallerIdentityCommand({}));
  if (!out.Account) throw new Error('STS GetCallerIdentity returned no account id');
  return out.Account;
}
