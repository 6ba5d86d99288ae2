// RunTask's platformVersion: Wharf's Fargate capacity reports one platform version, and LATEST resolves to it.
import { ClientError } from '../domain/errors.js';

/** The Fargate platform version Wharf's capacity reports (its features are Linux platform version 1.4.0's). */
export const FARGATE_PLATFORM_VERSION = '1.4.0';

/** Checks RunTask's platformVersion for the launch type (what the task will report is FARGATE_PLATFORM_VERSION). */
export function checkPlatformVersion(launchType: string, requested: string | undefined): void {
  if (requested === undefined) return;
  if (launchType !== 'FARGATE') throw new ClientError('The platform version must be null when specifying an EC2 launch type.');
  if (requested !== 'LATEST' && requested !== FARGATE_PLATFORM_VERSION) {
    throw new ClientError(`The specified platform version (${requested}) does not exist: Wharf's Fargate capacity runs platform version ${FARGATE_PLATFORM_VERSION} (LATEST).`);
  }
}
