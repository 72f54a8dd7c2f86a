// Fault injection: the CLI kills itself with SIGKILL (STRATA_FAULT=<step>) at each step of
// clone, snapshot, destroy and restore. Afterwards the next engine start (`strata check`)
// finishes or undoes the work, check is clean, and LXC sees either the before or the after
// state, never a half-made container.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { check, dir, lxcLs, pairs, text } from './helpers'

let P: TestLxcpath

async function strataKilledAt(step: string, ...args: string[]): Promise<void> {
  const r = await execa('node', [join(import.meta.dirname, '../../bin/strata'), ...args], { reject: false, env: { STRATA_FAULT: step } })
  expect(r.signal, `${step}: ${r.stderr}`).toBe('SIGKILL')
}

async function strataOk(...args: string[]): Promise<string> {
  const r = await execa('node', [join(import.meta.dirname, '../../bin/strata'), ...args], { reject: false })
  expect(r.exitCode, r.stderr).toBe(0)
  return r.stdout
}

/** What is left after recovery: check clean, no hidden work dirs, LXC's view. */
async function afterRecovery(): Promise<string[]> {
  expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  expect(readdirSync(P.path).filter((n) => n.startsWith('.strata'))).toEqual([])
  return lxcLs(P.path)
}

beforeAll(async () => {
  P = await makeLxcpath('strata-faults-')
  await P.create('c1')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
})

describe('kill -9 during clone', () => {
  for (const step of ['clone:built', 'clone:origin-listed']) {
    it(`at ${step}: rolled back, origin unchanged`, async () => {
      await strataKilledAt(step, 'clone', '-p', P.path, '-o', 'c1', '-n', 'k1', '-s')
      expect(await afterRecovery()).toEqual(['c1'])
      expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
      await P.lxc('lxc-copy', '-n', 'c1', '-N', 'probe') // LXC agrees c1 is free to use
      await P.lxc('lxc-destroy', '-n', 'probe')
    })
  }
  it('at clone:registered: the clone is complete and LXC protects its origin', async () => {
    await strataKilledAt('clone:registered', 'clone', '-p', P.path, '-o', 'c1', '-n', 'k1', '-s')
    expect(await afterRecovery()).toEqual(['c1', 'k1'])
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'k1']))
    await expect(P.lxc('lxc-destroy', '-n', 'c1')).rejects.toThrow(/has clones/)
  })
  it('at clone:built for a copy clone: nothing visible', async () => {
    await strataKilledAt('clone:built', 'clone', '-p', P.path, '-o', 'c1', '-n', 'k2')
    expect(await afterRecovery()).toEqual(['c1', 'k1'])
  })
})

describe('kill -9 during destroy', () => {
  for (const step of ['destroy:hidden', 'destroy:origin-unlisted']) {
    it(`at ${step}: finished; the origin no longer lists it`, async () => {
      if (!existsSync(dir(P.path, 'k1'))) await strataOk('clone', '-p', P.path, '-o', 'c1', '-n', 'k1', '-s')
      await strataKilledAt(step, 'destroy', '-P', P.path, '-n', 'k1')
      expect(await lxcLs(P.path)).toEqual(['c1']) // gone for LXC already, before recovery
      expect(await afterRecovery()).toEqual(['c1'])
      expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
    })
  }
})

describe('kill -9 during snapshot and restore', () => {
  it('at snapshot:built: no snapshot for lxc-snapshot either', async () => {
    await strataKilledAt('snapshot:built', 'snapshot', '-P', P.path, '-n', 'c1')
    await afterRecovery()
    expect(await P.lxc('lxc-snapshot', '-n', 'c1', '-L')).toBe('No snapshots')
  })

  for (const [step, restored] of [
    ['restore:built', false],
    ['restore:exchanged', true],
    ['restore:snaps-moved', true],
    ['restore:bookkeeping', true]
  ] as const) {
    it(`at ${step}: ${restored ? 'finished' : 'rolled back'}, never half-restored`, async () => {
      if (!existsSync(dir(P.path, 'o1'))) {
        await strataOk('clone', '-p', P.path, '-o', 'c1', '-n', 'o1', '-s')
        await strataOk('snapshot', '-P', P.path, '-n', 'o1')
      }
      writeFileSync(dir(P.path, 'o1', 'overlay/delta/after-snapshot'), 'x')
      await strataKilledAt(step, 'snapshot', '-P', P.path, '-n', 'o1', '-r', 'snap0')
      expect(await afterRecovery()).toEqual(['c1', 'o1'])
      expect(existsSync(dir(P.path, 'o1', 'overlay/delta/after-snapshot'))).toBe(!restored)
      expect(existsSync(dir(P.path, 'o1', 'snaps/snap0/config'))).toBe(true)
      expect(text(dir(P.path, 'o1', 'lxc_rdepends'))).toBe(pairs([P.path, 'c1']))
      expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'o1'], [`${P.path}/o1/snaps`, 'snap0']))
      expect(await P.lxc('lxc-snapshot', '-n', 'o1', '-L')).toMatch(/^snap0 /)
      await P.lxc('lxc-start', '-n', 'o1')
      await P.lxc('lxc-stop', '-n', 'o1', '-k')
    })
  }
})
