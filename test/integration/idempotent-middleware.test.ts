/**
 * Powertools idempotency behind middy, on DynamoDB Local: a request refused by the idempotency check
 * (another with the same key still running, or the key reused with another body) must leave the
 * record alone, so no later retry runs the command a second time.
 */
import middy from '@middy/core';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotentHandler } from '../../lambdas/adapters/idempotent-middleware.js';
import { useLocalTable } from '../support/dynamo.js';

const { tableName } = await useLocalTable();

interface Command {
  key: string;
  amount: number;
}

const context = { getRemainingTimeInMillis: () => 29_000, awsRequestId: 'test', functionName: 'admin-api' } as unknown as Context;

/** A handler that runs a command (counted) and, while `gate` is held, waits inside it like a slow DynamoDB transaction. */
const commandHandler = () => {
  const runs: number[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | undefined;
  const handler = middy(async (event: Command) => {
    runs.push(event.amount);
    if (gate) await gate;
    return { recorded: event.amount, run: runs.length };
  }).use(
    idempotentHandler<Command, { recorded: number; run: number }>({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
      config: new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'amount' }),
      keyPrefix: `test-${randomUUID()}`,
    }),
  );
  return {
    runs,
    hold: () => (gate = new Promise<void>((r) => (release = r))),
    release: () => {
      gate = undefined;
      release();
    },
    call: (event: Command) => handler(event, context),
  };
};

describe('the idempotency middleware', () => {
  it('a duplicate refused while the first is running leaves its lock: a third is refused too, and later replays the answer', async () => {
    const h = commandHandler();
    h.hold();
    const first = h.call({ key: 'pay-1', amount: 100 });
    await expect.poll(() => h.runs.length).toBe(1);

    await expect(h.call({ key: 'pay-1', amount: 100 })).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
    await expect(h.call({ key: 'pay-1', amount: 100 })).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });

    h.release();
    expect(await first).toEqual({ recorded: 100, run: 1 });
    expect(await h.call({ key: 'pay-1', amount: 100 })).toEqual({ recorded: 100, run: 1 });
    expect(h.runs).toEqual([100]);
  });

  it('a reused key with another body is refused and leaves the stored answer: the original retry is still a replay', async () => {
    const h = commandHandler();
    expect(await h.call({ key: 'pay-2', amount: 100 })).toEqual({ recorded: 100, run: 1 });
    await expect(h.call({ key: 'pay-2', amount: 999 })).rejects.toMatchObject({ name: 'IdempotencyValidationError' });
    expect(await h.call({ key: 'pay-2', amount: 100 })).toEqual({ recorded: 100, run: 1 });
    expect(h.runs).toEqual([100]);
  });

  it('a command that fails gives its key back: the retry runs it', async () => {
    const h = commandHandler();
    let fail = true;
    const handler = middy(async (event: Command) => {
      h.runs.push(event.amount);
      if (fail) throw new Error('transaction cancelled');
      return { recorded: event.amount, run: h.runs.length };
    }).use(
      idempotentHandler<Command, { recorded: number; run: number }>({
        persistenceStore: new DynamoDBPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
        config: new IdempotencyConfig({ eventKeyJmesPath: 'key' }),
        keyPrefix: `test-${randomUUID()}`,
      }),
    );
    await expect(handler({ key: 'pay-3', amount: 5 }, context)).rejects.toThrow('transaction cancelled');
    fail = false;
    expect(await handler({ key: 'pay-3', amount: 5 }, context)).toEqual({ recorded: 5, run: 2 });
  });
});
