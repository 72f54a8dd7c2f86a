// Widths the user gave the containers table's columns (px), kept across reloads in localStorage.
// A column without one takes the width the table gives it.
import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'

/** Narrower than this a header's sort arrow and a few characters no longer fit. */
export const MIN_COLUMN_WIDTH = 56
export const MAX_COLUMN_WIDTH = 800

interface ColumnWidthsState {
  widths: Record<string, number>
  setWidth(column: string, px: number): void
  reset(column: string): void
}

export const clampWidth = (px: number): number => Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)))

export const useColumnWidths = create<ColumnWidthsState>()(
  persist(
    (set) => ({
      widths: {},
      setWidth: (column, px) => set((s) => ({ widths: { ...s.widths, [column]: clampWidth(px) } })),
      reset: (column) => set((s) => ({ widths: Object.fromEntries(Object.entries(s.widths).filter(([k]) => k !== column)) }))
    }),
    { name: 'strata.columnWidths', storage: createJSONStorage(() => globalThis.localStorage), partialize: (s) => ({ widths: s.widths }) }
  )
)
