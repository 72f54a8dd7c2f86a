// Where a CLI run's time goes, for `npm run bench`: with STRATA_PHASES=1 each mark records the
// ms since the process started (performance.now()), and the marks go to stderr as one JSON line
// when the process exits. Each command is its own bundle with its own copy of this module, so
// the marks live on one global (by symbol) that every copy shares.
const MARKS = Symbol.for('strata.cli.phases')

type Marks = [phase: string, atMs: number][]

export function markPhase(phase: string): void {
  if (!process.env.STRATA_PHASES) return
  const g = globalThis as { [MARKS]?: Marks }
  if (!g[MARKS]) {
    const marks: Marks = (g[MARKS] = [])
    process.on('exit', () => process.stderr.write(`strata phases: ${JSON.stringify(Object.fromEntries(marks))}\n`))
  }
  g[MARKS].push([phase, performance.now()])
}
