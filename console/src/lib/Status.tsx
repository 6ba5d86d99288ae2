// ECS statuses as Cloudscape status indicators.
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';

const TYPES: Record<string, StatusIndicatorProps.Type> = {
  ACTIVE: 'success',
  RUNNING: 'success',
  COMPLETED: 'success',
  HEALTHY: 'success',
  healthy: 'success',
  active: 'success',
  PROVISIONING: 'pending',
  PENDING: 'pending',
  ACTIVATING: 'pending',
  IN_PROGRESS: 'in-progress',
  DRAINING: 'in-progress',
  draining: 'in-progress',
  initial: 'pending',
  provisioning: 'pending',
  DEACTIVATING: 'in-progress',
  STOPPING: 'in-progress',
  DEPROVISIONING: 'in-progress',
  STOPPED: 'stopped',
  INACTIVE: 'stopped',
  FAILED: 'error',
  UNHEALTHY: 'error',
  unhealthy: 'error',
  unused: 'stopped',
};

export function Status({ value }: { value: string | undefined }) {
  if (!value) return <>-</>;
  return <StatusIndicator type={TYPES[value] ?? 'info'}>{value}</StatusIndicator>;
}
