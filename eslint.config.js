import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import { builtinModules } from 'node:module'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

// The layering (DESIGN.md), enforced: each folder imports only from the layers below it. A rule
// is a regex over the import path as written (relative, or `@shared/...`) and why it holds.
// ESLint keeps only the last `no-restricted-imports` that matches a file, so the file groups
// below do not overlap and each lists every rule that applies to it.
const folder = (...names) => `(^|/)(${names.join('|')})(/|$)`
const file = (...names) => `(^|/)(${names.join('|')})$`

const ELECTRON = ['^electron(/|$)', 'The engine, the CLI, shared code and the renderer never import Electron: only the shell does.']
const SHELL = [
  `${folder('renderer', 'preload', 'cli', 'helper', 'web')}|${file('service', 'engine-client', 'ipc', 'watch', 'environment')}`,
  'The engine never reaches up into the shell around it (app, CLI, helper, browser mode).'
]
const OPS = [folder('ops'), 'Only ops (and what is above the engine) import ops: everything else in the engine lies below them.']
const READ_SIDE = [
  `${folder('lineage')}|${file('container', 'container-mount', 'lxcpath', 'usage', 'layer-diff')}`,
  'Drivers, the journal, fs and config lie below the read side (containers, lxcpaths, the lineage, usage).'
]
const DRIVERS = [folder('drivers', 'journal'), 'fs, config and native code lie below the drivers and the journal: they use them, never the reverse.']
const NODE = [`^(node:|(${builtinModules.join('|')})(/|$))`, 'Code that runs in the renderer never imports Node.']
const MAIN = [folder('main', 'preload'), 'Code that runs in the renderer reaches main only through the API (src/shared/api.ts).']

const layer = (files, ...rules) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }] }
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] }
  },
  {
    files: ['src/renderer/**/*'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    // No import cycles in the app: a cycle is a layer pointing up somewhere.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })]
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
  },
  // The engine, top to bottom: ops; the read side (top-level modules, lineage/); drivers/ and
  // journal/; fs/, config/ and native/ with the base modules (tools, lock, mount records, context).
  layer(['src/main/engine/*.ts', 'src/main/engine/ops/**/*'], ELECTRON, SHELL),
  layer(['src/main/engine/lineage/**/*'], ELECTRON, SHELL, OPS),
  layer(['src/main/engine/{drivers,journal}/**/*'], ELECTRON, SHELL, OPS, READ_SIDE),
  layer(['src/main/engine/{fs,config,native}/**/*'], ELECTRON, SHELL, OPS, READ_SIDE, DRIVERS),
  // The CLI runs under plain Node.
  layer(['src/main/cli/**/*'], ELECTRON, [folder('renderer', 'preload'), 'The CLI never imports the renderer.']),
  // Shared code and the renderer run in the browser sandbox too.
  layer(['src/shared/**/*'], ELECTRON, NODE, MAIN, [folder('renderer'), 'Shared code is below the renderer.']),
  layer(['src/renderer/**/*'], ELECTRON, NODE, MAIN)
)
