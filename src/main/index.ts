// Electron shell: one locked-down window (context isolation, sandbox, no Node in the page,
// no navigation, no new windows, no permissions), the IPC registrar and the service.
import { app, BrowserWindow, ipcMain, session } from 'electron'
import { join } from 'node:path'
import { createService } from './service'
import { forwardEvents, registerIpc, trustedUrlFor } from './ipc'
import { parseArgs } from './args'

const rendererFile = join(import.meta.dirname, '../renderer/index.html')
const devUrl = process.env.ELECTRON_RENDERER_URL

let win: BrowserWindow | null = null

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Strata',
    // the window and taskbar icon (the renderer's public/icon.png, copied next to index.html)
    icon: join(import.meta.dirname, '../renderer/icon.png'),
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.once('ready-to-show', () => win?.show())
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  win.on('closed', () => (win = null))
}

void app.whenReady().then(() => {
  // Strata needs no camera, notifications, ...: refuse every request and check.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  const { lxcpaths } = parseArgs(process.argv.slice(1))
  const service = createService({ lxcpaths })
  registerIpc(ipcMain, service, trustedUrlFor(rendererFile, devUrl))
  forwardEvents(service, () => win?.webContents ?? null)
  createWindow()
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow())
  app.on('will-quit', () => service.close())
})

app.on('window-all-closed', () => app.quit())
