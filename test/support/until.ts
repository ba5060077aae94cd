/**
 * Polling with a deadline, for tests: every wait on something asynchronous names what it waits
 * for, so a timeout says what never happened instead of a bare test timeout.
 */
export interface UntilOptions {
  /** What is awaited, as the timeout error should read: "the reminder to be logged". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds; rejects naming `what` when it still does not after `timeoutMs`. */
export const until = async (check: () => boolean | Promise<boolean>, { what, timeoutMs = 10_000, intervalMs = 10 }: UntilOptions): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
};

/**
 * Resolves once every execution of a Step Functions emulator has finished or sleeps on the virtual
 * clock. It first lets a turn of the event loop pass: executions just woken by the clock only
 * leave their Wait then, and until they do they still look parked.
 */
export const untilSettled = async (emulator: { settled(): boolean }, timeoutMs?: number): Promise<void> => {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await until(() => emulator.settled(), { what: 'every execution to finish or sleep on the clock', intervalMs: 5, ...(timeoutMs ? { timeoutMs } : {}) });
};
