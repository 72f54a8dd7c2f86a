// The ssh masters' control directories (hosts/owned-dirs.ts): named with their owner's pid and
// start time, swept by the next process once the owner is gone, never while it lives. The owners
// here are real processes: this one, a `sleep` that lives, and a `sleep` killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeOwnedDir, sweepOwnedDirs } from '../../src/main/hosts/owned-dirs'

const PREFIX = 'strata-ssh-'

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!
}

async function sleeper(): Promise<ChildProcess> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' })
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))
  return child
}

/** A directory as its owner would have made it, with a socket's stand-in in it. */
function dirOf(parent: string, pid: number, start: string, tail = 'AbC123'): string {
  const dir = join(parent, `${PREFIX}${pid}.${start}-${tail}`)
  mkdirSync(dir)
  writeFileSync(join(dir, 'channel-1.sock'), '')
  return dir
}

describe('control directories of ssh masters', () => {
  let parent: string
  let live: ChildProcess
  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'strata-owned-dirs-'))
    live = await sleeper()
  })
  afterAll(() => {
    live?.kill('SIGKILL')
    if (parent) rmSync(parent, { recursive: true, force: true })
  })

  it("are named with this process's pid and start time", () => {
    const dir = makeOwnedDir(parent, PREFIX)
    expect(dir.slice(parent.length + 1)).toMatch(new RegExp(`^${PREFIX}${process.pid}\\.${startOf(process.pid)}-[A-Za-z0-9]{6}$`))
    rmSync(dir, { recursive: true })
  })

  it("a SIGKILLed owner's directory is swept; a live owner's, this process's and others' names are kept", async () => {
    const dead = await sleeper()
    const deadStart = startOf(dead.pid!)
    dead.kill('SIGKILL')
    await new Promise((r) => dead.once('exit', r))
    const deadDir = dirOf(parent, dead.pid!, deadStart)
    // the live sleeper's pid, but another start time: a pid reused since its owner died
    const reusedDir = dirOf(parent, live.pid!, String(Number(startOf(live.pid!)) - 1), 'ReU5ed')
    const liveDir = dirOf(parent, live.pid!, startOf(live.pid!))
    const ownDir = makeOwnedDir(parent, PREFIX)
    // the names before owners were recorded, and another program's: not judged
    const oldStyle = join(parent, `${PREFIX}Xy12Ab`)
    mkdirSync(oldStyle)
    const other = join(parent, 'strata-xattr-probe-1')
    mkdirSync(other)

    const removed = sweepOwnedDirs(parent, PREFIX)
    expect(removed.sort()).toEqual([deadDir, reusedDir].sort())
    expect(existsSync(deadDir)).toBe(false)
    expect(readdirSync(parent).sort()).toEqual([liveDir, ownDir, oldStyle, other].map((d) => d.slice(parent.length + 1)).sort())
    expect(existsSync(join(liveDir, 'channel-1.sock'))).toBe(true)
  })
})
