import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured (JSON) logger per Lambda module. The service name comes from
 * POWERTOOLS_SERVICE_NAME, which the stack sets per function.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}
