// One console's terminal (xterm.js with the fit addon) on its stream: keystrokes and pastes go
// out in pieces, the size follows the panel, and output is acked once xterm has drawn it, so a
// flood inside the container waits for the page instead of piling up in front of it.
import { useEffect, useRef } from 'react'
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import '@xterm/xterm/css/xterm.css'
import type { StreamInput } from '@shared/engine-api'
import { api } from '../api'
import { attachSink } from '../stores/consoles'

/** Input goes in pieces below the engine's limit (STREAM_INPUT_MAX), a big paste included. */
const INPUT_PIECE = 16 * 1024
/** Acks are gathered up to this much, or for ACK_MS, before they are sent. */
const ACK_BATCH = 32 * 1024
const ACK_MS = 20

export function ConsoleTerminal({ streamId, visible, endedText }: { streamId: string; visible: boolean; endedText: (e: { exitCode: number | null; error: string | null }) => string }): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null)
  const fitRef = useRef<FitAddon | null>(null)
  const termRef = useRef<Terminal | null>(null)
  const endedTextRef = useRef(endedText)
  endedTextRef.current = endedText

  useEffect(() => {
    const el = host.current!
    const term = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, fontFamily: 'monospace', convertEol: false })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.open(el)
    termRef.current = term
    fitRef.current = fit
    let ended = false
    const send = (input: StreamInput): void => {
      if (!ended) void api.streamInput({ streamId, input }).catch(() => undefined)
    }

    // In order, one piece at a time: a paste keeps its order across pieces.
    let chain = Promise.resolve()
    const onData = term.onData((data) => {
      for (let i = 0; i < data.length; i += INPUT_PIECE) {
        const piece = data.slice(i, i + INPUT_PIECE)
        chain = chain.then(() => (ended ? undefined : api.streamInput({ streamId, input: { data: piece } }).then(() => undefined, () => undefined)))
      }
    })
    // Copy and paste without clipboard permissions: Ctrl+Shift+C copies the selection through the
    // page's copy event (xterm fills it); Ctrl+Shift+V is left to the browser, whose paste event xterm reads.
    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey) return true
      if (ev.code === 'KeyC') {
        if (term.hasSelection()) document.execCommand('copy')
        return false
      }
      return ev.code !== 'KeyV'
    })

    let toAck = 0
    let ackTimer: ReturnType<typeof setTimeout> | null = null
    const flushAck = (): void => {
      if (ackTimer) clearTimeout(ackTimer)
      ackTimer = null
      if (toAck > 0) send({ ack: toAck })
      toAck = 0
    }
    const detach = attachSink(streamId, {
      data: (d) =>
        term.write(d, () => {
          toAck += d.length
          if (toAck >= ACK_BATCH) flushAck()
          else ackTimer ??= setTimeout(flushAck, ACK_MS)
        }),
      end: (e) => {
        ended = true
        term.write(`\r\n\x1b[2m${endedTextRef.current({ exitCode: e.result?.exitCode ?? null, error: e.error?.message ?? null })}\x1b[0m\r\n`)
      }
    })

    // The size follows the panel; the pty learns it (and `stty size` inside with it).
    let last = ''
    const refit = (): void => {
      if (!el.offsetParent) return // hidden: keep the size it had
      fit.fit()
      const size = `${term.cols}x${term.rows}`
      if (size !== last) {
        last = size
        send({ resize: { cols: term.cols, rows: term.rows } })
      }
    }
    const ro = new ResizeObserver(() => refit())
    ro.observe(el)
    refit()

    return () => {
      ro.disconnect()
      detach()
      onData.dispose()
      if (ackTimer) clearTimeout(ackTimer)
      term.dispose()
      termRef.current = null
    }
  }, [streamId])

  useEffect(() => {
    if (visible) {
      fitRef.current?.fit()
      termRef.current?.focus()
    }
  }, [visible])

  return <div className="console-term" ref={host} hidden={!visible} data-testid={`console-term-${streamId}`} />
}
