import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type JsonOperation = (body: Record<string, unknown>) => unknown;

/**
 * A tiny server for AWS JSON-protocol APIs (X-Amz-Target: Service.Operation), used by the local
 * stand-ins for End User Messaging SMS and EventBridge.
 */
export const serveJsonApi = (
  port: number,
  contentType: string,
  operations: Record<string, JsonOperation>,
): Promise<{ server: Server; endpoint: string }> => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = operations[target.slice(target.indexOf('.') + 1)];
      res.setHeader('content-type', contentType);
      if (!op) {
        res.writeHead(400, { 'x-amzn-errortype': 'UnknownOperationException' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `${target} is not served locally` }));
        return;
      }
      try {
        const out = op(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
        res.writeHead(200);
        res.end(JSON.stringify(out ?? {}));
      } catch (e) {
        res.writeHead(400, { 'x-amzn-errortype': 'ValidationException' });
        res.end(JSON.stringify({ __type: 'ValidationException', message: (e as Error).message }));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${port}` }));
  });
};
