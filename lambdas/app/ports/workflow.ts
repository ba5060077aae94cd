/** The per-invoice timeline executions (Step Functions adapter: adapters/sfn-workflow.ts). */
export interface Workflow {
  /** Starts an execution; an execution of the same name that already exists is not an error. */
  start(name: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Stops an execution with a cause for its history; an execution already ended is not an error. */
  stop(name: string, cause: string): Promise<void>;
}
