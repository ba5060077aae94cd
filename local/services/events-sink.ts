import { appendFileSync } from 'node:fs';
import { serveJsonApi } from './json-api.js';
import type { Clock } from '../../lambdas/adapters/clock.js';

export interface RecordedEvent {
  at: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** EventBridge PutEvents, recorded in memory and (optionally) to a JSONL file for the ERP-side view. */
export const startEventsSink = async (port: number, clock: Clock, file?: string) => {
  const events: RecordedEvent[] = [];
  const { server, endpoint } = await serveJsonApi(port, 'application/x-amz-json-1.1', {
    PutEvents: (body) => {
      const entries = (body.Entries as { Source: string; DetailType: string; Detail: string }[] | undefined) ?? [];
      const results = entries.map((e) => {
        const rec: RecordedEvent = {
          at: clock.now().toISOString(),
          source: e.Source,
          detailType: e.DetailType,
          detail: JSON.parse(e.Detail) as Record<string, unknown>,
        };
        events.push(rec);
        if (file) appendFileSync(file, `${JSON.stringify(rec)}\n`);
        return { EventId: crypto.randomUUID() };
      });
      return { FailedEntryCount: 0, Entries: results };
    },
  });
  return { endpoint, events, stop: () => new Promise<void>((r) => server.close(() => r())) };
};
