/**
 * The Workflow of a function that never starts or stops an execution itself: ingest's credit notes
 * change invoices through the Commands port, and the table stream (app/timeline/react-to-invoice-change.ts)
 * stops, restarts or re-plans the execution of every changed invoice. So the ingest function needs
 * no Step Functions permission and no state machine ARN; a stop a command asks for is left to the
 * stream, and a start is refused (it would be a wiring mistake).
 */
import type { Workflow } from '../app/ports/workflow.js';

export const streamDrivenWorkflow: Workflow = {
  start: async (name) => {
    throw new Error(`this function starts no execution (${name}): the table stream starts them`);
  },
  stop: async () => {},
};
