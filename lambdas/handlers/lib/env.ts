/** A setting the function cannot run without (set by its CDK construct and by the local stack). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
