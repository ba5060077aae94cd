/**
 * SES v2 on a loopback port (aws-ses-v2-local): the production SesMailer sends to it through
 * AWS_ENDPOINT_URL_SESV2, received mail is listed at GET /store and shown in a web inbox at /.
 * aws-ses-v2-local keeps one store per process: starting a server empties it.
 */
import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';
import { clearStore, getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { freePort } from './ports.js';

type StartServer = typeof sesLocal.default;
// A CommonJS module with `exports.default`: Node's ESM loader wraps it once more than TypeScript expects.
const startServer: StartServer =
  (sesLocal.default as unknown as { default?: StartServer }).default ?? sesLocal.default;

export type ReceivedEmail = Email;

export interface RunningSes {
  endpoint: string;
  /** The web inbox, for people. */
  inboxUrl: string;
  /** Every message received since this server started, oldest first. */
  messages(): readonly ReceivedEmail[];
  stop(): Promise<void>;
}

export const startSes = async (opts: { port?: number } = {}): Promise<RunningSes> => {
  const port = opts.port ?? (await freePort());
  clearStore();
  const server: Server = await startServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    messages: () => [...getStoreReadonly().emails],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};
