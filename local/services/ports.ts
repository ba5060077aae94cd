import { createServer } from 'node:net';

/** A free TCP port on the loopback interface, chosen by the OS. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });

/** Fails with one actionable sentence when a port the user asked for is taken. */
export const assertPortFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', () =>
      reject(new StartupError(`Port ${port} is already in use: stop whatever listens there or choose another port with --port.`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });

/** An error whose message is the whole story for the user: printed without a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
