/**
 * DomainEvents port on EventBridge: source 'sollecito', bus from EVENT_BUS_NAME, endpoint from
 * AWS_ENDPOINT_URL_EVENTBRIDGE. Details carry ids and amounts, never names, e-mails or phones.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvents } from '../app/ports/domain-events.js';
import { TransientError, asTransient } from './workflow-errors.js';

export const EVENT_SOURCE = 'sollecito';

let shared: EventBridgeClient | undefined;
const eventsClient = (): EventBridgeClient => (shared ??= new EventBridgeClient({ maxAttempts: 4 }));

export class EventBridgeEvents implements DomainEvents {
  constructor(
    private readonly busName: string = process.env.EVENT_BUS_NAME ?? '',
    private readonly client: EventBridgeClient = eventsClient(),
  ) {
    if (!busName) throw new Error('EVENT_BUS_NAME is not set');
  }

  async publish(detailType: string, detail: Record<string, unknown>): Promise<void> {
    let out;
    try {
      out = await this.client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
        }),
      );
    } catch (err) {
      throw asTransient('PutEvents', err);
    }
    // PutEvents answers 200 with per-entry failures: an unpublished event must not pass silently.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new TransientError(`PutEvents ${detailType}: ${entry?.ErrorCode ?? 'failed'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
