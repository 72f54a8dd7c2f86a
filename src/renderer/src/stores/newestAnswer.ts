// Listings asked for one after another may be answered out of order (an `lxc-ls` that was slow,
// a helper busy with the first). An older answer that lands after a newer one would put a state
// back on screen that is no longer true, and nothing would correct it until the next change.
/** Applies an answer only when no question asked after it has been answered already. */
export function newestAnswer(): <T>(answer: Promise<T>, apply: (value: T) => void) => Promise<void> {
  let asked = 0
  let applied = 0
  return async (answer, apply) => {
    const n = ++asked
    const value = await answer
    if (n < applied) return
    applied = n
    apply(value)
  }
}
