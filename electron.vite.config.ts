import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: { resolve: { alias: shared } },
  preload: {
    resolve: { alias: shared },
    // Sandboxed preloads cannot be ESM: bundle everything into one CJS file.
    build: { externalizeDeps: false, rollupOptions: { output: { format: 'cjs' } } }
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [react()],
    build: { minify: true }
  }
})
