// Where a CLI run's time goes, for `npm run bench`: with STRATA_PHASES=1 each mark records the
// ms since the process started (performance.now()), and the marks go to stderr as one JSON line
// when the process exits. Each command is its own bundle with its own copy of this module, so
// the marks live on one global (by symbol) that every copy shares. A warm worker's run starts
// its marks again from when it took the command (restartPhases).
const MARKS = Symbol.for('strata.cli.phases')

type Marks = [phase: string, atMs: number][]
interface PhaseState {
  marks: Marks
  originMs: number
  listening: boolean
}

function state(): PhaseState {
  const g = globalThis as { [MARKS]?: PhaseState }
  return (g[MARKS] ??= { marks: [], originMs: 0, listening: false })
}

export function markPhase(phase: string): void {
  if (!process.env.STRATA_PHASES) return
  const s = state()
  if (!s.listening) {
    s.listening = true
    process.on('exit', () => {
      if (process.env.STRATA_PHASES) process.stderr.write(`strata phases: ${JSON.stringify(Object.fromEntries(s.marks))}\n`)
    })
  }
  s.marks.push([phase, performance.now() - s.originMs])
}

/** Forgets the marks so far; the next ones count from `originMs` (performance.now()). */
export function restartPhases(originMs: number): void {
  const s = state()
  s.marks = []
  s.originMs = originMs
}
