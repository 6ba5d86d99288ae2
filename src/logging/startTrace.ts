// Start-up trace: with WHARF_TRACE_START=1, each step of `wharf up` / `wharf server` is written to stderr with the
// milliseconds since the process began (performance.now() counts from Node's own start) and the CPU time used by
// then: a step whose wall time grows far more than its CPU time waits on something (or on a loaded host).
// Off, a mark costs one branch.
const on = process.env.WHARF_TRACE_START === '1';

export function traceStart(step: string): void {
  if (!on) return;
  const cpu = process.cpuUsage();
  process.stderr.write(`wharf start +${performance.now().toFixed(1)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms) ${step}\n`);
}
