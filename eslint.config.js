import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

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
    // The engine runs under plain Node (CLI, helper, tests): it must never import Electron.
    files: ['src/main/engine/**/*', 'src/main/cli/**/*'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['electron/*'] }] }
  },
  {
    // The renderer runs in a sandbox: no Node built-ins.
    files: ['src/renderer/**/*'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'child_process', 'os'] }] }
  }
)
