// ExecuteCommand (ECS Exec): checks the task as ECS does (exec enabled when it was run, RUNNING, the container
// running) and opens a session whose stream `wharf exec` joins (api/acs/exec.ts relays it to the task's agent).
import type { ExecuteCommandRequest, ExecuteCommandResponse } from '@aws-sdk/client-ecs';
import { AwsError, InvalidParameter } from '../../domain/errors.js';
import { taskIdOf } from '../../domain/task.js';
import type { RequestContext } from '../../gateway/service.js';
import type { ExecSessions } from '../acs/exec.js';
import type { EcsContext } from './context.js';

export const EXEC_NOT_ENABLED =
  'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.';

export function executeCommandOperations(ecs: EcsContext, sessions: ExecSessions | undefined) {
  return {
    ExecuteCommand(input: ExecuteCommandRequest, ctx: RequestContext): ExecuteCommandResponse {
      const cluster = ecs.activeCluster(input.cluster).value;
      const rec = ecs.tables.tasks.get(`${cluster.clusterName}/${taskIdOf(input.task ?? '')}`)?.value;
      if (!rec) throw new InvalidParameter('The referenced task was not found.');
      if (input.interactive !== true) throw new InvalidParameter('Interactive is the only mode supported currently.');
      const t = rec.task;
      if (!t.enableExecuteCommand) throw new InvalidParameter(EXEC_NOT_ENABLED);
      if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') {
        throw new InvalidParameter(`The execute command failed because the task is in ${t.lastStatus} status. Execute command is only supported on tasks in RUNNING status.`);
      }
      const containers = t.containers ?? [];
      if (!input.container && containers.length > 1) {
        throw new InvalidParameter('The task has more than one container. A container name must be specified.');
      }
      const container = input.container ? containers.find((c) => c.name === input.container) : containers[0];
      if (!container) throw new InvalidParameter(`The container ${input.container} does not exist in the task.`);
      if (container.lastStatus !== 'RUNNING') throw new InvalidParameter(EXEC_NOT_ENABLED);
      if (!sessions || !rec.instanceKey || !sessions.agentConnected(rec.instanceKey)) {
        throw new AwsError('TargetNotConnectedException', 'The execute command failed due to an internal error. Try again later.');
      }
      const session = sessions.open({
        task: rec,
        containerName: container.name!,
        command: input.command!,
        accessKeyId: ctx.accessKeyId,
        logging: cluster.configuration?.executeCommandConfiguration,
        now: ctx.now,
        tty: ttyHint(ctx.header?.('x-wharf-exec-tty')),
      });
      return {
        clusterArn: cluster.clusterArn,
        containerArn: container.containerArn,
        containerName: container.name,
        interactive: true,
        session,
        taskArn: t.taskArn,
      };
    },
  };
}

/**
 * `wharf exec` says in an (unsigned) x-wharf-exec-tty header whether it will ask for a TTY, so the agent can create
 * the exec before the stream opens. A hint only: the stream's start frame decides, and a wrong hint costs the time saved.
 */
function ttyHint(value: string | undefined): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
