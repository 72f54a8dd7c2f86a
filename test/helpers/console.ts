// Test helpers for consoles: the processes a console leaves (or not), and a reader of a
// stream's output that waits for text.
import { readdirSync, readFileSync } from 'node:fs'

/** The running (not zombie) processes of `tool` working on `lxcpath`: other tests' on this machine do not count. */
export function processesOf(tool: string, lxcpath: string): number[] {
  const pids: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]
      if (cmd[0]?.endsWith(tool) && cmd.includes(lxcpath) && state !== 'Z') pids.push(Number(d))
    } catch {
      // it ended while we looked
    }
  }
  return pids
}

/** Output as it arrives; `waitFor` resolves once the text seen so far matches. */
export class OutputReader {
  text = ''
  bytes = 0
  private waiters: (() => void)[] = []

  push(chunk: string): void {
    this.bytes += chunk.length
    // keep the tail only: a flood must not grow the test
    this.text = (this.text + chunk).slice(-64 * 1024)
    for (const w of this.waiters.splice(0)) w()
  }

  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = re.exec(this.text)
      if (m) return m
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no ${re} in the console output within ${timeoutMs} ms; it ends with ${JSON.stringify(this.text.slice(-400))}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }
}
