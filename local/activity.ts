/**
 * Counts work in flight in the local stack (handler invocations, S3 events, stream batches),
 * so the discrete clock only advances once the system has settled.
 */
export class Activity {
  private inFlight = 0;

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }
}
