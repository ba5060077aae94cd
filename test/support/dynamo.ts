import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ensureTable, localCredentials } from '../../local/services/dynamodb.js';
import { Activity } from '../../local/activity.js';
import { StreamPoller, type StreamPollerOptions } from '../../local/services/stream-poller.js';

/**
 * Points the real adapters at DynamoDB Local with a fresh table for this test file.
 * Call at the top level of a test file, before importing adapters that read the env lazily.
 */
export const useLocalTable = async (): Promise<{ endpoint: string; tableName: string }> => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `test-${randomUUID()}`;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_REGION = 'eu-south-1';
  process.env.AWS_ACCESS_KEY_ID = localCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = localCredentials.secretAccessKey;
  process.env.TABLE_NAME = tableName;
  await ensureTable(endpoint, tableName);
  return { endpoint, tableName };
};

/** The local stack's stream poller on a test's table (what `npm start` runs beside DynamoDB Local). */
export const localStreamPoller = (
  table: { endpoint: string; tableName: string },
  opts: Pick<StreamPollerOptions, 'handler' | 'filter' | 'onError' | 'onGiveUp'>,
): StreamPoller =>
  new StreamPoller({ endpoint: table.endpoint, region: 'eu-south-1', credentials: localCredentials, tableName: table.tableName, activity: new Activity(), ...opts });
