/** What every page reaches: the typed API client, who is signed in, the business day, names of customers. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { must, type Api } from './api.js';
import type { Auth, User } from './auth.js';
import type { ConsoleConfig } from './config.js';

export interface Session {
  api: Api;
  auth: Auth;
  user: User;
  config: ConsoleConfig;
  /** Today in the company's time zone, as the API sees it (the local stack runs a virtual clock). */
  today: string;
  timeZone: string;
  /** A customer's name, fetched once per customer. */
  customerName: (customerId: string) => Promise<string>;
}

export const makeCustomerNames = (api: Api): Session['customerName'] => {
  const cache = new Map<string, Promise<string>>();
  return (customerId) => {
    let p = cache.get(customerId);
    if (!p) {
      p = must(api.GET('/v1/customers/{id}', { params: { path: { id: customerId } } })).then(
        (d) => d.customer.name,
        () => customerId,
      );
      cache.set(customerId, p);
    }
    return p;
  };
};

export const SessionContext = createContext<Session | undefined>(undefined);
export const useSession = (): Session => {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
};
