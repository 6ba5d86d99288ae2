// Container cpu and memory against each other and against the task size: every container needs a memory figure
// somewhere, a soft limit may not exceed the hard one, and the containers together must fit in the task.
import { ClientError } from '../errors.js';
import { nameOf, type TaskView } from './view.js';

/** Docker 20.10 and later reserve 6 MiB per container; ECS documents it as the floor. */
export const MIN_CONTAINER_MEMORY = 6;

export function checkResources(view: TaskView): void {
  let cpuTotal = 0;
  let memoryTotal = 0;
  for (const c of view.containers) {
    const name = nameOf(c);
    if (c.memory === undefined && c.memoryReservation === undefined && view.memory === undefined) {
      throw new ClientError(
        `Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    for (const [field, value] of [['memory', c.memory], ['memoryReservation', c.memoryReservation]] as const) {
      if (value !== undefined && value < MIN_CONTAINER_MEMORY) {
        throw new ClientError(
          `Invalid setting for container '${name}'. '${field}' must be at least ${MIN_CONTAINER_MEMORY} MiB.`,
        );
      }
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory < c.memoryReservation) {
      throw new ClientError(
        `Invalid setting for container '${name}'. 'memory' must be greater than or equal to 'memoryReservation'.`,
      );
    }
    if (view.memory !== undefined) {
      if (c.memory !== undefined && c.memory > view.memory) {
        throw new ClientError(`The 'memory' setting for container '${name}' is greater than for the task.`);
      }
      if (c.memoryReservation !== undefined && c.memoryReservation > view.memory) {
        throw new ClientError(`The 'memoryReservation' setting for container '${name}' is greater than for the task.`);
      }
    }
    cpuTotal += c.cpu ?? 0;
    // What a container reserves from the task: its soft limit when set, else its hard limit.
    memoryTotal += c.memoryReservation ?? c.memory ?? 0;
  }
  if (view.cpu !== undefined && cpuTotal > view.cpu) {
    throw new ClientError("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
  }
  if (view.memory !== undefined && memoryTotal > view.memory) {
    throw new ClientError(
      "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.",
    );
  }
}
