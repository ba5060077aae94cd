/**
 * The customer's voice as one DynamoDB item beside the customer (keys.customerVoice): a lease
 * taken with a conditional write (`attribute_not_exists(leaseUntil) OR leaseUntil < :now`) and
 * given back by its holder only. A holder that dies keeps the customer silent until the lease runs
 * out (VOICE_LEASE_MS: no shorter than the longest timeout of a function that speaks, EscalateToAgency's
 * 60 s, so a lease always outlives its holder). The lease is measured
 * on the real clock, not the product's (clock.ts): the local stack's virtual clock may run a day a
 * second, and a turn must last as long as the work it covers, not as long as virtual time says.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerVoice, VoiceLease, VoiceSeen } from '../app/ports/customer-voice.js';
import { consistentGet } from './dynamo/consistent-gets.js';
import type { Table } from './dynamo/client.js';
import { isConditionFailure } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { TransientError, asTransient } from './workflow-errors.js';

export const VOICE_LEASE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoCustomerVoice implements CustomerVoice {
  constructor(
    private readonly table: Table,
    /**
     * How long to wait for another holder (real ms) before a TransientError lets the state machine
     * retry (Sollecito.Transient, with backoff): a wait plus the message's own work stays well inside
     * the senders' 30 s Lambda timeout, and a longer wait is spent between retries, not in a Lambda.
     */
    private readonly maxWaitMs = 8_000,
  ) {}

  async look(tenantId: string, customerId: string): Promise<VoiceSeen> {
    const item = await consistentGet(this.table, keys.customerVoice(tenantId, customerId));
    const until = typeof item?.leaseUntil === 'string' ? item.leaseUntil : undefined;
    return { takes: typeof item?.takes === 'number' ? item.takes : 0, free: until === undefined || until < new Date().toISOString() };
  }

  async acquire(tenantId: string, customerId: string, notNeeded?: () => Promise<boolean>, seen?: VoiceSeen): Promise<VoiceLease | undefined> {
    const token = randomUUID();
    const giveUpAt = performance.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const now = new Date();
      try {
        const out = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.customerVoice(tenantId, customerId),
            // Every turn taken is counted: a holder that read the count before sees whether anyone spoke since.
            UpdateExpression: 'SET leaseUntil = :until, holder = :token, entity = :entity ADD takes :one',
            ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':until': new Date(now.getTime() + VOICE_LEASE_MS).toISOString(), ':token': token, ':now': now.toISOString(), ':entity': 'voice', ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const quiet = seen !== undefined && seen.free && out.Attributes?.takes === seen.takes + 1;
        return { tenantId, customerId, token, ...(quiet ? { quiet } : {}) };
      } catch (err) {
        if (!isConditionFailure(err)) throw asTransient('voice lease', err);
      }
      if (notNeeded && (await notNeeded())) return undefined;
      if (performance.now() >= giveUpAt) throw new TransientError(`customer ${customerId}: another message is being sent to this customer`);
      await sleep(Math.min(100, 10 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }

  async release(lease: VoiceLease): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.customerVoice(lease.tenantId, lease.customerId),
          UpdateExpression: 'REMOVE leaseUntil, holder',
          ConditionExpression: 'holder = :token',
          ExpressionAttributeValues: { ':token': lease.token },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw asTransient('voice lease release', err);
    }
  }
}
