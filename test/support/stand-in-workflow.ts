/**
 * A stand-in timeline for tests of the admin API and the customer pages: the Step Functions API
 * emulator running one long Wait, so an execution stays RUNNING until a command stops it, and the
 * EventBridge sink, both on free ports and on a discrete virtual clock at `now`.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';

const WAIT_FOREVER = {
  StartAt: 'WaitForever',
  States: { WaitForever: { Type: 'Wait', Timestamp: '2099-01-01T00:00:00Z', End: true } },
} as unknown as StateMachineDefinition;

export const startStandInWorkflow = async (stateMachineArn: string, now: Date) => {
  polyfillWithResolvers();
  const clock = new VirtualClock({ start: now, mode: 'discrete' });
  const emulator = new SfnEmulator({ definition: WAIT_FOREVER, stateMachineArn, clock, activity: new Activity(), resolveTask: () => async () => null });
  const sfnEndpoint = await emulator.listen(await freePort());
  const eventsSink = await startEventsSink(await freePort(), clock);
  return {
    emulator,
    eventsSink,
    /** The environment the admin API and the customer pages read to reach them. */
    env: { STATE_MACHINE_ARN: stateMachineArn, AWS_ENDPOINT_URL_SFN: sfnEndpoint, AWS_ENDPOINT_URL_EVENTBRIDGE: eventsSink.endpoint },
    stop: async () => {
      await emulator.shutdown();
      await eventsSink.stop();
    },
  };
};
