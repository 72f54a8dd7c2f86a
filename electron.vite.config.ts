import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    // Two entries: the Electron shell, and browser mode (`node out/main/web.js`), which must
    // never load Electron.
    build: {
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), web: resolve('src/main/web/main.ts') }
      }
    }
  },
  preload: {
    resolve: { alias: shared },
    // Sandboxed preloads cannot be ESM: bundle everything into one CJS file.
    build: { externalizeDeps: false, rollupOptions: { output: { format: 'cjs' } } }
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [react()],
    worker: { format: 'es' },
    build: { minify: true }
  }
})
