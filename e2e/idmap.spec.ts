// Whether a container is unprivileged, in its details: `mapped` has LXC's id map lines in its
// config (as lxc-create writes them for a user's container), `plain` has none.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, useStrata } from './fixtures'
import { createStartable, lxcTool } from './lxc'

function makeIdMapLxcpath(): string {
  const p = mkdtempSync('/tmp/strata-e2e-idmap-')
  createStartable(p, 'plain')
  lxcTool('lxc-copy', ['-P', p, '-n', 'plain', '-N', 'mapped'])
  const config = join(p, 'mapped', 'config')
  writeFileSync(config, `${readFileSync(config, 'utf8')}lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n`)
  return p
}

const env = useStrata(makeIdMapLxcpath)

test("the details say whether a container is unprivileged: whose uid its root is on the host, how many ids; the map on hover", async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-mapped').click()
  const idmap = page.getByTestId('details-idmap')
  await expect(idmap).toHaveText('Unprivileged: root is uid 100000 on the host, 65536 ids')
  await expect(idmap).toHaveAttribute('title', 'u 0 100000 65536; g 0 100000 65536')
  await page.getByTestId('container-row-plain').click()
  await expect(idmap).toHaveText('Privileged: root in the container is root on the host')
})
