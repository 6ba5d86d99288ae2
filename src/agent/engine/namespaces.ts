// pidMode and ipcMode as ECS gives them: host joins the host's namespace; task shares one namespace among the
// task's containers. Docker has no "task" mode, so, as the ECS agent does, a pause container owns the shared
// namespaces (awsvpc tasks have one already for the network) and every container joins it.
import type { AgentTask } from '../protocol.js';

/** The task needs a pause container: for its network (awsvpc) or for a PID or IPC namespace its containers share. */
export function needsPause(task: AgentTask): boolean {
  return task.networkMode === 'awsvpc' || task.pidMode === 'task' || task.ipcMode === 'task';
}

/** PidMode and IpcMode of one of the task's containers. */
export function containerNamespaces(task: AgentTask, pauseId: string | undefined): { PidMode?: string; IpcMode?: string } {
  const join = (mode: string | undefined) => (mode === 'task' ? `container:${pauseId}` : mode);
  const out: { PidMode?: string; IpcMode?: string } = {};
  const pid = join(task.pidMode);
  const ipc = join(task.ipcMode);
  if (pid) out.PidMode = pid;
  if (ipc) out.IpcMode = ipc;
  return out;
}

/** The pause container's: its IPC namespace must be shareable for the others to join it. */
export function pauseNamespaces(task: AgentTask): { IpcMode?: string } {
  return task.ipcMode === 'task' ? { IpcMode: 'shareable' } : {};
}
