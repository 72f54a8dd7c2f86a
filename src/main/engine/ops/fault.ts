// Fault injection for the crash tests only: STRATA_FAULT=<step> makes the process SIGKILL
// itself when an operation reaches that step, as a power cut or kill -9 would.
export function faultPoint(step: string): void {
  if (process.env['STRATA_FAULT'] === step) process.kill(process.pid, 'SIGKILL')
}
