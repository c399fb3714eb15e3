/** Thrown when a Lambda is deployed without an environment variable its code needs. */
export class MissingEnvironmentError extends Error {
  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is not set; the stack sets it on deploy, so this Lambda was configured by hand`);
    this.name = 'MissingEnvironmentError';
  }
}

/** The value of environment variable `name`, or a `MissingEnvironmentError` that names it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new MissingEnvironmentError(name);
  }
  return value;
}
