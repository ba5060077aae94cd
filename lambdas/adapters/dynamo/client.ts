/**
 * The DynamoDB document client, created once per module load and shared by every repository, and
 * the table handle the repositories are built over.
 * The endpoint comes from the SDK's own AWS_ENDPOINT_URL_DYNAMODB, which is how the local stack
 * points the very same adapters at DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let ddb: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return ddb;
};

export const tableName = (): string => {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
};

/** The single table (docs/data-model.md) and the client that talks to it. */
export interface Table {
  readonly doc: DynamoDBDocumentClient;
  readonly name: string;
}

/** The table named by TABLE_NAME, through the shared client. */
export const tableFromEnv = (): Table => ({ doc: documentClient(), name: tableName() });
