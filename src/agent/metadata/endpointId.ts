// The path segment of a container's ECS_CONTAINER_METADATA_URI_V4. Derived from the task and the container name, so
// it is the same after an agent restart (adopted containers keep the variable they were created with), and it does
// not reveal one task's endpoint to another.
import { createHash } from 'node:crypto';

export function endpointId(taskArn: string, containerName: string): string {
  const taskId = taskArn.split('/').pop()!;
  return `${taskId}-${createHash('sha256').update(`${taskArn}\0${containerName}`).digest('hex').slice(0, 10)}`;
}
