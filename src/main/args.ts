// Command-line options shared by the Electron shell and browser mode:
// `--lxcpath DIR` (repeatable) and `--port N`.
export interface Args {
  lxcpaths: string[]
  port: number
}

export function parseArgs(argv: string[]): Args {
  const out: Args = { lxcpaths: [], port: 0 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    if (flag === '--lxcpath' || flag === '-P') out.lxcpaths.push(value())
    else if (flag === '--port') {
      const n = Number(value())
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`bad --port`)
      out.port = n
    }
  }
  return out
}
