/** Business events for other systems (EventBridge adapter: adapters/eventbridge-events.ts). */
export interface DomainEvents {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}
