/**
 * The weekly ageing report's EventBridge Scheduler schedule.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../infra/constructs/config.js';
import { handlerExists } from '../../infra/constructs/defaults.js';
import { SYNTH_TIMEOUT_MS, stackTemplate, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('ageing report schedule', () => {
  it.skipIf(!handlerExists('ageing-report'))('invokes ageing-report on Monday 08:00 Europe/Rome with the scheduled time as idempotency key', () => {
    t.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: DEFAULT_CONFIG.reportSchedule,
      ScheduleExpressionTimezone: DEFAULT_CONFIG.reportTimeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [t.fnId('ageing-report'), 'Arn'] },
        Input: Match.serializedJson(Match.objectLike({ scheduledTime: '<aws.scheduler.scheduled-time>' })),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});
