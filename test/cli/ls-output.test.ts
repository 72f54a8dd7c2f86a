// `strata ls --json` ends its process as soon as it has written (warm/native.ts exitNow, without
// Node's teardown). Its output must still arrive whole, into a pipe a slow reader drains well
// after the CLI has filled it (500 containers' JSON is four times a pipe's buffer) and into a
// socket, as a parent Node process's stdio is.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateLxcpath } from '../../bench/generated-lxcpath.mjs'

const CLI = join(import.meta.dirname, '../../bin/strata')
const COUNT = 500

/** Reads all of stdin, then prints how many containers the JSON holds and the last one's name. */
const READER = `let t = ''; process.stdin.setEncoding('utf8').on('data', (d) => (t += d)).on('end', () => {
  const list = JSON.parse(t); process.stdout.write(JSON.stringify({ count: list.length, last: list.at(-1).name, newline: t.endsWith(']\\n') }))
})`

describe.skipIf(process.geteuid?.() !== 0)('strata ls --json, 500 containers', () => {
  let P: string

  beforeAll(() => {
    P = mkdtempSync(join(tmpdir(), 'strata-ls-output-'))
    generateLxcpath(P, COUNT, 10)
  }, 120_000)
  afterAll(() => rmSync(P, { recursive: true, force: true }))

  it('arrives whole through a pipe whose reader starts late', async () => {
    // the reader waits before reading, so the CLI writes into a full pipe and blocks until it drains
    const r = await execa('sh', ['-c', 'node "$0" ls -P "$1" --json | (sleep 0.5; node -e "$2")', CLI, P, READER], { reject: false })
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ count: COUNT, last: 'clone9-8', newline: true })
  }, 60_000)

  it('arrives whole into a socket, as a Node parent reads it, with the exit status', async () => {
    const r = await execa('node', [CLI, 'ls', '-P', P, '--json'], { reject: false, stripFinalNewline: false })
    expect(r.exitCode).toBe(0)
    expect(r.stdout.endsWith(']\n')).toBe(true)
    const list = JSON.parse(r.stdout) as { name: string }[]
    expect(list).toHaveLength(COUNT)
    expect(new Set(list.map((c) => c.name)).size).toBe(COUNT)
  }, 60_000)
})
