// What the engine says reaches the screen exactly and in the user's language, at 1024x700, on an
// lxcpath made by LXC with an orphan (an overlay clone whose origin was removed with `rm -rf`)
// and a config with a legacy key:
// - the clone dialog says why lvm, rbd and nbd are not offered as the engine does (Strata cannot
//   make them yet), short and then whole;
// - the orphan's lineage finding counts in the table's Problems column and shows once in the
//   details;
// - the usage view's quota note, the orphan's layer-diff error, the config's problems and the
//   legacy-key conversion's notes are Japanese in Japanese;
// - so are the engine's refusals (destroying a container whose storage is not LXC's, applying a
//   conversion to a config changed since its preview), a recovery finding (a file named like a
//   journal Strata did not write) and a repair (a count of 0 in lxc_snapshots): what it offers
//   and what it did;
// - and why a mount failed: a copy of an overlay clone whose lower layer was replaced by a file
//   fails, undone, saying so in Japanese (the overlay's reason inside the copy's failure);
// - what a running copy clone is doing, under its bar in the task drawer, and a container's state
//   inside the engine's refusal to clone it while it runs: Japanese words, not English ones.
import { execFileSync } from 'node:child_process'
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect, useStrata, snap, showView, openTasks } from './fixtures'
import { copyContainer, createStartable, lxcTool, makeLineageLxcpath } from './lxc'

const env = useStrata(() => {
  const p = makeLineageLxcpath()
  copyContainer(p, 'base', 'gone')
  copyContainer(p, 'gone', 'orphan', true)
  rmSync(`${p}/gone`, { recursive: true, force: true })
  createStartable(p, 'old')
  appendFileSync(`${p}/old/config`, 'lxc.utsname = oldhost\n')
  // lxc-destroy would remove nothing of it and say it did: the engine refuses
  copyContainer(p, 'base', 'kept')
  appendFileSync(`${p}/kept/config`, 'lxc.rootfs.managed = 0\n')
  // lxc-destroy refuses z ("has clones"); the repair removes the file
  copyContainer(p, 'base', 'z')
  writeFileSync(`${p}/z/lxc_snapshots`, '0\n')
  // on a bridge this host does not have: lxc-start fails, and the start's diagnosis says why
  createStartable(p, 'bridged')
  const bridged = `${p}/bridged/config`
  writeFileSync(bridged, readFileSync(bridged, 'utf8').replace(/^lxc\.net\.0\.type = empty$/m, 'lxc.net.0.type = veth\nlxc.net.0.link = nosuchbr0\nlxc.net.0.flags = up'))
  // named like a journal, but not as Strata names them: recovery leaves it alone and says so
  writeFileSync(`${p}/.strata-op-oops.json`, '{}\n')
  // an overlay clone whose lower layer is now a file, not a directory: its merged tree cannot be mounted
  copyContainer(p, 'base', 'flat')
  copyContainer(p, 'flat', 'layered', true)
  rmSync(`${p}/flat/rootfs`, { recursive: true, force: true })
  writeFileSync(`${p}/flat/rootfs`, 'not a directory\n')
  // a few MB to copy, and a clone hook that takes a while: its copy is seen running in the drawer
  copyContainer(p, 'base', 'slow')
  execFileSync('dd', ['if=/dev/urandom', `of=${p}/slow/rootfs/bulk.bin`, 'bs=1M', 'count=4', 'status=none'])
  appendFileSync(`${p}/slow/config`, "lxc.hook.clone = /bin/sh -c 'sleep 6'\n")
  // started by its test: the clone dialog does not ask the state, the engine refuses the clone
  createStartable(p, 'web')
  return p
})

/** The Problems cell of a row: the one the row marks as bad when it counts any. */
const problemsCell = (page: Page, name: string) => page.getByTestId(`container-row-${name}`).locator('td.num').nth(-2)

async function open(page: Page, openApp: (e: typeof env) => Promise<Page>): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 700 })
  await openApp(env)
  await expect(page.getByTestId('container-row-orphan')).toBeVisible()
}

/** Asks for a copy (dir) of the container `from` named `name`, from its details. */
async function copyClone(page: Page, from: string, name: string): Promise<void> {
  await page.getByTestId(`container-row-${from}`).click()
  await page.getByTestId('details-clone').click()
  await expect(page.getByTestId('clone-dialog')).toBeVisible()
  await page.getByTestId('clone-mode-copy').check()
  await expect(page.getByTestId('clone-backend-dir')).toBeChecked()
  await page.getByTestId('clone-name').fill(name)
  await page.getByTestId('clone-confirm').click()
}

async function openWhyNot(page: Page, button: RegExp): Promise<void> {
  await page.getByTestId('container-row-base').click()
  await page.getByTestId('details-clone').click()
  await expect(page.getByTestId('clone-dialog')).toBeVisible()
  await page.getByTestId('clone-dialog').getByRole('button', { name: button }).click()
}

test.describe('in English', () => {
  test('the orphan counts its lineage finding, shown once; lvm is "not yet"; the diff error names the gone lower', async ({ openApp, page }) => {
    await open(page, openApp)
    // the table counts the finding the details show (before: 0, config problems only)
    await expect(problemsCell(page, 'orphan')).toHaveText('1')
    await expect(problemsCell(page, 'orphan')).toHaveClass(/bad/)
    await expect(problemsCell(page, 'base')).toHaveText('0')
    await page.getByTestId('container-row-orphan').click()
    const findings = page.getByTestId('details-findings').locator('li')
    await expect(findings).toHaveCount(1)
    await expect(findings).toContainText(`${env.lxcpath}/orphan cannot start: its lower layer ${env.lxcpath}/gone/rootfs is gone`)
    await expect(page.getByTestId('details').locator('ul.problems')).toHaveCount(0)
    // the details' Problems row agrees with the table's count: it points to the finding, not "none"
    const problemsRow = page.getByTestId('details').locator('.pf-v6-c-description-list__group').filter({ has: page.getByText('Problems', { exact: true }) })
    await expect(problemsRow.locator('dd')).not.toContainText('none')
    await problemsRow.getByTestId('details-problems-findings').click()
    await expect(page.getByRole('heading', { name: 'Lineage findings' })).toBeFocused()
    await snap(page, 'orphan-details-1024')

    // a legacy key's problem reads across the panel (it was a column of ~110 px at 1024x700),
    // and the conversion is offered where it is said, with its preview
    await page.getByTestId('container-row-old').click()
    const problems = page.getByTestId('details').locator('ul.problems')
    await expect(problems).toContainText('"lxc.utsname" is an LXC 1.x/2.0 key')
    // the app offers its button, not the CLI's command
    await expect(problems).not.toContainText('strata config')
    expect((await problems.boundingBox())!.width).toBeGreaterThan(200)
    await page.getByTestId('details-modernize').click()
    await expect(page.getByTestId('modernize-preview')).toContainText('+ lxc.uts.name = oldhost')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('modernize-dialog')).toHaveCount(0)

    await openWhyNot(page, /Why not the other \d+ backends/)
    for (const b of ['lvm', 'rbd', 'nbd']) {
      await expect(page.getByTestId(`clone-why-short-${b}`)).toHaveText(`Strata cannot make ${b} containers yet.`)
      await expect(page.getByTestId(`clone-why-whole-${b}`)).toHaveText(`Strata reads ${b} containers but cannot make, copy or snapshot them yet.`)
    }
    await expect(page.getByTestId('clone-why-whole-dir')).toContainText('the snapshot of a dir container is overlay')
    await snap(page, 'clone-why-not-1024')
    await page.keyboard.press('Escape')

    await showView(page, 'usage')
    await page.getByTestId('usage-picker').click()
    await page.getByTestId('usage-pick-orphan').click()
    await expect(page.getByTestId('diff-status')).toContainText(`lower layer ${env.lxcpath}/gone/rootfs is gone (its origin was removed without LXC)`)
    await snap(page, 'usage-orphan-1024')

    await showView(page, 'containers')
    // the orphan cannot start at all: Start is off, and says why before the click (the engine refuses by the same rule)
    await page.getByTestId('container-row-orphan').click()
    await expect(page.getByTestId('details-start')).toBeDisabled()
    await expect(page.getByTestId('details-start')).toHaveAttribute('title', 'orphan cannot start: its lower layer is gone (its origin was removed without LXC).')
    // a start that fails says why in its toast (its title ends in a colon), the drawer the rest
    await page.getByTestId('container-row-bridged').click()
    await page.getByTestId('details-start').click()
    const toast = page.getByTestId('toast').filter({ hasText: 'bridged did not start:' })
    await expect(toast.getByTestId('toast-reason')).toContainText('lxc.net.0 is a veth attached to the bridge nosuchbr0, which does not exist on this host', { timeout: 30_000 })
  })
})

test.describe('in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('finding, choice reasons, quota note, diff error and the legacy-key notes are Japanese', async ({ openApp, page }) => {
    await open(page, openApp)
    await expect(problemsCell(page, 'orphan')).toHaveText('1')
    await page.getByTestId('container-row-orphan').click()
    await expect(page.getByTestId('details-findings')).toContainText(`${env.lxcpath}/orphan は起動できません: 下位層 ${env.lxcpath}/gone/rootfs がありません`)
    await snap(page, 'orphan-details-1024-ja')

    await openWhyNot(page, /ほかの \d+ 個のバックエンドが使えない理由/)
    await expect(page.getByTestId('clone-why-short-lvm')).toHaveText('Strata は lvm のコンテナをまだ作れません。')
    await expect(page.getByTestId('clone-why-whole-lvm')).toHaveText('Strata は lvm のコンテナを読み取れますが、作成・コピー・スナップショットはまだできません。')
    await expect(page.getByTestId('clone-why-whole-dir')).toContainText('dir のコンテナのスナップショットは overlay になります')
    await snap(page, 'clone-why-not-1024-ja')
    await page.keyboard.press('Escape')

    await showView(page, 'usage')
    // the filesystem's accounting is not used here (no prjquota on the test's lxcpath): said in Japanese
    await expect(page.getByTestId('usage-quota-note')).toContainText('プロジェクトクォータ')
    await page.getByTestId('usage-picker').click()
    await page.getByTestId('usage-pick-orphan').click()
    await expect(page.getByTestId('diff-status')).toContainText(`下位層 ${env.lxcpath}/gone/rootfs がありません`)
    await snap(page, 'usage-orphan-1024-ja')

    await showView(page, 'containers')
    await page.getByTestId('container-row-old').click()
    await showView(page, 'config')
    // the parser's verdict on the legacy key, its place said once
    await expect(page.getByTestId('config-problems')).toContainText('「lxc.utsname」は LXC 1.x/2.0 のキーで、LXC 5 は拒否します。新しいキーは lxc.uts.name です。')
    await expect(page.getByTestId('config-problems')).toContainText(/config:\d+ 「lxc.utsname」/)
    await page.getByTestId('modernize').click()
    await expect(page.getByTestId('modernize-preview')).toContainText('+ lxc.uts.name = oldhost')
    await expect(page.getByTestId('modernize-preview').locator('[data-testid^="modern-note-"]')).toHaveText(['キー名を変更'])
    await snap(page, 'config-modernize-1024-ja')
  })
})

test.describe('the engine\'s refusals and repairs in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('a refused destroy, a refused conversion, a recovery finding and a repair are Japanese, not English', async ({ openApp, page }) => {
    await open(page, openApp)
    // a destroy the engine refuses: lxc.rootfs.managed = 0
    await page.getByTestId('container-row-kept').click()
    await page.getByTestId('details-destroy').click()
    const destroy = page.getByRole('dialog')
    await destroy.getByTestId('destroy-confirm').click()
    const refusal = destroy.getByTestId('destroy-error')
    await expect(refusal).toContainText('kept は lxc.rootfs.managed = 0 です: そのストレージは LXC の管理外で')
    await expect(refusal).not.toContainText("its storage is not LXC's")
    await snap(page, 'destroy-unmanaged-1024-ja')
    await page.keyboard.press('Escape')

    // a conversion applied to a config that changed after its preview
    await page.getByTestId('container-row-old').click()
    await showView(page, 'config')
    await page.getByTestId('modernize').click()
    await expect(page.getByTestId('modernize-preview')).toContainText('+ lxc.uts.name = oldhost')
    appendFileSync(`${env.lxcpath}/old/config`, '# changed meanwhile\n')
    await page.getByTestId('modernize-apply').click()
    const changed = page.getByRole('dialog').getByRole('alert')
    await expect(changed).toContainText(`${env.lxcpath}/old/config はプレビューの後に変更されました`)
    await expect(changed).not.toContainText('changed since the preview')
    await page.keyboard.press('Escape')

    // recovery's finding on a file it will not act on
    await showView(page, 'lineage')
    await page.getByTestId('lineage-tab-problems').click()
    const findings = page.getByTestId('findings')
    await expect(findings).toContainText(`${env.lxcpath}/.strata-op-oops.json は Strata のジャーナルに似た名前ですが`)
    await expect(findings).not.toContainText('is named like a Strata journal')

    // the repair: what it would do, then what it did
    await showView(page, 'containers')
    await page.getByTestId('container-row-z').click()
    const zFindings = page.getByTestId('details-findings')
    await expect(zFindings.getByTestId('finding-fix')).toContainText(`${env.lxcpath}/z/lxc_snapshots (LXC 1.x 形式の数 0) を削除する: z に依存するものはありません`)
    await expect(zFindings.getByTestId('finding-fix')).not.toContainText('nothing depends on')
    await zFindings.getByTestId('repair').click()
    await expect(page.getByTestId('repair-said')).toHaveText(`${env.lxcpath}/z/lxc_snapshots (LXC 1.x 形式の数 0) を削除しました: z に依存するものはありません。`)
    await snap(page, 'repair-done-1024-ja')
  })
})

test.describe('why a mount failed, in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('a copy of an overlay clone whose lower layer is a file fails and is undone, said in Japanese', async ({ openApp, page }) => {
    test.setTimeout(120_000)
    await open(page, openApp)
    await copyClone(page, 'layered', 'layered-copy')
    // the failure's toast (the drawer stays closed): the overlay's reason, inside the merged
    // tree's, inside the copy's undone failure: all Japanese
    const reason = page.getByTestId('toast').getByTestId('toast-reason')
    await expect(reason).toContainText(`${env.lxcpath}/layered/overlay/delta の統合したツリーを表示できません: 下位層 ${env.lxcpath}/flat/rootfs はディレクトリではありません`, { timeout: 60_000 })
    await expect(reason).toContainText(`${env.lxcpath}/layered-copy の複製は失敗したため元に戻しました`)
    await expect(reason).not.toContainText('is not a directory')
    await expect(page.getByTestId('container-row-layered-copy')).toHaveCount(0)
    await snap(page, 'mount-failed-1024-ja')
    await page.getByTestId('toast').getByTestId('toast-open-tasks').click()
    await expect(page.getByTestId('task-layered-copy')).toHaveAttribute('data-status', 'failed')
  })
})

test.describe('a task\'s note and a state inside a refusal, in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('a copy clone says what it is doing in Japanese under its bar in the task drawer', async ({ openApp, page }) => {
    test.setTimeout(120_000)
    await open(page, openApp)
    await copyClone(page, 'slow', 'slow-copy')
    await openTasks(page)
    const task = page.getByTestId('task-slow-copy')
    await expect(task).toHaveAttribute('data-status', 'running')
    // the engine's note, while its clone hook runs after the copy: Japanese, the path as it is
    const note = page.getByTestId('task-note-slow-copy')
    await expect(note).toHaveText(`${env.lxcpath}/slow を dir としてコピー`)
    await expect(note).not.toContainText('copy of')
    await snap(page, 'task-note-1024-ja')
    await expect(task).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
    await expect(page.getByTestId('container-row-slow-copy')).toBeVisible()
  })

  test('a clone of a running container is refused, its state said in Japanese', async ({ openApp, page }) => {
    test.setTimeout(120_000)
    lxcTool('lxc-start', ['-P', env.lxcpath, '-n', 'web', '-d'])
    try {
      await open(page, openApp)
      await page.getByTestId('container-row-web').click()
      await expect(page.getByTestId('container-row-web')).toContainText('実行中', { timeout: 30_000 })
      await page.getByTestId('details-clone').click()
      await expect(page.getByTestId('clone-dialog')).toBeVisible()
      await page.getByTestId('clone-mode-copy').check()
      await page.getByTestId('clone-name').fill('web-copy')
      await page.getByTestId('clone-confirm').click()
      // read in the drawer, where the failed task stays (its toast goes after a while)
      await openTasks(page)
      const task = page.getByTestId('task-web-copy')
      await expect(task).toHaveAttribute('data-status', 'failed', { timeout: 60_000 })
      const reason = task.locator('.task-error')
      await expect(reason).toContainText('web は実行中です: 複製の前に停止してください')
      await expect(reason).not.toContainText('running')
      await snap(page, 'clone-running-refused-1024-ja')
    } finally {
      lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', 'web', '-k'])
    }
  })
})
