/** The one clock the use cases read: the system clock in AWS, the virtual clock on the local stack. */
export interface Clock {
  now(): Date;
}
