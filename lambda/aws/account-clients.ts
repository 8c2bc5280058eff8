import { currentAccountId } from './account';
import type { ClientFactory } from './client-factory';
import type { MemberCredentials } from './member-role';

/**
 * The clients a deletion acts through, by the account its signed report is for: the home
 * account's own (the task role), or, in organization mode, a member's through its member role.
 */
export interface AccountClients {
  forAccount(accountId: string): Promise<ClientFactory>;
}

/** A report for an account this stack may not act in (a single-account install, another account). */
export class AccountNotServed extends Error {
  override readonly name = 'AccountNotServed';
}

/**
 * Home account: `home`. Another account: its member role when `members` is given (organization
 * mode), else refused, so a single-account install never acts outside its own account. One
 * factory per member account, kept for the container's life (clients stay one per service,
 * region and account; MemberCredentials refreshes the credentials).
 */
export function accountClients(home: ClientFactory, members?: MemberCredentials): AccountClients {
  let homeAccount: Promise<string> | undefined;
  const factories = new Map<string, ClientFactory>();
  return {
    async forAccount(accountId) {
      const own = await (homeAccount ??= currentAccountId(home).catch((error: unknown) => {
        homeAccount = undefined; // do not cache a failure
        throw error;
      }));
      if (accountId === own) return home;
      if (!members) throw new AccountNotServed(`the approved report is for account ${accountId}, but this stack acts only in its own account ${own} (organization mode is off)`);
      let factory = factories.get(accountId);
      if (!factory) factories.set(accountId, (factory = members.factoryFor(accountId)));
      return factory;
    },
  };
}
