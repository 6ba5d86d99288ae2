// The texts the control plane writes into stoppedReason, in ECS's words where ECS has them.
export const REASONS = {
  /** An essential container exited (ECS's text, also what the agent reports). */
  essentialExited: 'Essential container in task exited',
  /** StopTask without a reason. */
  userStop: 'Task stopped by user',
  /** The agent reported a failed start without saying why. */
  failedToStart: 'Task failed to start',
  /** FARGATE_SPOT capacity taken back (ECS's text). */
  spotInterrupted: 'Your Spot Task was interrupted.',
  hostLost: 'Task stopped because its container instance lost contact with the control plane (host lost).',
  /** A task whose awslogs group is missing (and may not be created), as ECS words it. */
  missingLogGroup: (detail: string) =>
    'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ' +
    `failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. (${detail})`,
} as const;
