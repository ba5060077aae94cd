/**
 * classifySendError (lambdas/adapters/workflow-errors.ts): what a provider's refusal means to the
 * state machine. An account-level SES refusal is Sollecito.SenderBlocked (retried much later, the
 * stage not used up); a refusal of this message or recipient passes unchanged (recorded `failed`);
 * throttling is Sollecito.Transient; a timeout after the request left is an unknown outcome.
 */
import { describe, expect, it } from 'vitest';
import { AccountSuspendedException, BadRequestException, MailFromDomainNotVerifiedException, MessageRejected, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { classifySendError, isAccountLevelRefusal } from '../../lambdas/adapters/workflow-errors.js';
import { SenderBlockedError } from '../../lambdas/app/task-errors.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('classifySendError', () => {
  it.each([
    ['SendingPausedException', new SendingPausedException({ message: 'Sending paused for this account.', ...meta(400) })],
    ['AccountSuspendedException', new AccountSuspendedException({ message: "The account's ability to send email has been permanently restricted.", ...meta(400) })],
    ['MailFromDomainNotVerifiedException', new MailFromDomainNotVerifiedException({ message: 'MAIL FROM domain not verified', ...meta(400) })],
    [
      'MessageRejected (sandbox, unverified address)',
      new MessageRejected({ message: 'Email address is not verified. The following identities failed the check in region EU-SOUTH-1: ap@cliente.example', ...meta(400) }),
    ],
  ])('reads %s as the sending account refused: Sollecito.SenderBlocked, with the SDK error as cause', (_what, err) => {
    expect(isAccountLevelRefusal(err)).toBe(true);
    const out = classifySendError('SES SendEmail', err);
    expect(out).toBeInstanceOf(SenderBlockedError);
    expect(out).toMatchObject({ name: 'Sollecito.SenderBlocked', cause: err });
    expect((out as Error).message).toContain(err.name);
  });

  it('passes a refusal of the message or its recipient through unchanged (recorded failed, as before)', () => {
    const content = new MessageRejected({ message: 'Message length is more than 40 MB', ...meta(400) });
    const address = new BadRequestException({ message: "Missing final '@domain'", ...meta(400) });
    for (const err of [content, address]) {
      expect(isAccountLevelRefusal(err)).toBe(false);
      expect(classifySendError('SES SendEmail', err)).toBe(err);
    }
  });

  it('keeps throttling transient and a timeout after the request left unknown', () => {
    expect(classifySendError('SES SendEmail', new TooManyRequestsException({ message: 'slow down', ...meta(429) }))).toMatchObject({ name: 'Sollecito.Transient' });
    expect(classifySendError('SES SendEmail', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toMatchObject({ name: 'Sollecito.SendOutcomeUnknown' });
  });

  it('leaves what is not an Error alone', () => {
    expect(classifySendError('SES SendEmail', 'nope')).toBe('nope');
    expect(isAccountLevelRefusal({ name: 'SendingPausedException' })).toBe(false);
  });
});
