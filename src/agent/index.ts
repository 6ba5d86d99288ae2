// The agent's public surface for the CLI and the control plane.
export * from './protocol.js';
export { TaskEngine } from './engine/engine.js';
export type { EngineOptions, PullBehavior } from './engine/options.js';
export type { StateReporter, ContainerReport, TaskReport, NetworkBinding, AttachmentReport } from './engine/reporter.js';
export { RecordingReporter } from './engine/reporter.js';
export { apiStatus } from './engine/status.js';
export type { LogSink, LogEvent } from './logs/sink.js';
export { MemoryLogSink, FileLogSink } from './logs/sink.js';
export { DockerRuntime, NO_DOCKER_HELP } from './runtime/docker.js';
export type { ContainerRuntime } from './runtime/types.js';
export { RuntimeUnavailableError } from './runtime/types.js';
