/**
 * Workflow port on Step Functions: one Standard execution per invoice revision and run, named by
 * executionName() so a duplicate start is rejected by Step Functions itself.
 * Endpoint from AWS_ENDPOINT_URL_SFN (the local stack's emulator), state machine from STATE_MACHINE_ARN.
 */
import { ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflow } from '../app/ports/workflow.js';
import { asTransient } from './workflow-errors.js';

let shared: SFNClient | undefined;
const sfnClient = (): SFNClient => (shared ??= new SFNClient({ maxAttempts: 4 }));

const requiredEnv = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

/** arn:aws:states:<region>:<account>:stateMachine:<sm> -> arn:aws:states:<region>:<account>:execution:<sm>:<name> */
export const executionArnFor = (stateMachineArn: string, name: string): string => {
  if (!stateMachineArn.includes(':stateMachine:')) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
};

export class SfnWorkflow implements Workflow {
  constructor(
    private readonly stateMachineArn: string = requiredEnv('STATE_MACHINE_ARN'),
    private readonly client: SFNClient = sfnClient(),
  ) {}

  async start(name: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: out.executionArn ?? executionArnFor(this.stateMachineArn, name), alreadyStarted: false };
    } catch (err) {
      // Same name = same tenant, invoice, revision and run: that timeline already runs (or ran).
      if (err instanceof ExecutionAlreadyExists) {
        return { executionArn: executionArnFor(this.stateMachineArn, name), alreadyStarted: true };
      }
      throw asTransient('StartExecution', err);
    }
  }

  async stop(name: string, cause: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({
          executionArn: executionArnFor(this.stateMachineArn, name),
          error: 'Sollecito.Stopped',
          cause: cause.slice(0, 32_768),
        }),
      );
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist) return;
      throw asTransient('StopExecution', err);
    }
  }
}
