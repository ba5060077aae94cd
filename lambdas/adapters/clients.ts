/**
 * SDK clients, created once per module load and shared by every adapter.
 * Endpoints come from the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, which is how the
 * local stack points the very same adapters at DynamoDB Local, s3rver, SES local and friends.
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
