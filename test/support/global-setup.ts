import type { TestProject } from 'vitest/node';
import { startDynamo, type RunningDynamo } from '../../local/services/dynamodb.js';

let dynamo: RunningDynamo | undefined;

/** One DynamoDB Local for the whole run; every test file makes its own table in it. */
export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamo();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
