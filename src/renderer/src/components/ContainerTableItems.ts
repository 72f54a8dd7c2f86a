// What takes the focus in the containers table, in the order Left and Right go through it: in a
// row its checkbox, the row itself (which stands for its name and the cells that only show) and
// its kebab; in the header the select-all box, then each shown column's sort button and resize
// handle (a column folded into the details panel is skipped). All of them have tabIndex -1 in the
// markup: the table is one Tab stop (ContainerTableKeys gives tabIndex 0 to one of them).

/** a row's parts, left to right */
export type Part = 'check' | 'row' | 'kebab'
const PART_SELECTOR: Record<Exclude<Part, 'row'>, string> = { check: 'input[type="checkbox"]', kebab: '.kebab-toggle' }
/** the header row's items (its sizer row, below it, has none) */
const HEAD_ITEMS = 'tr[aria-rowindex="1"] :is(input[type="checkbox"], .pf-v6-c-table__button, .column-resizer)'

/** laid out (not in a folded column, whose cells are display: none) */
export const shown = (el: Element): boolean => el.getClientRects().length > 0

/** The row element (in `body`) showing the container with this key, if rendered. */
export const rowOf = (body: HTMLElement | null, key: string): HTMLElement | null => body?.querySelector<HTMLElement>(`:scope > tr[data-key="${CSS.escape(key)}"]`) ?? null

/** The body row `el` is in (or is), if any. */
export function rowAround(body: HTMLElement | null, el: HTMLElement): HTMLElement | null {
  const row = el.closest<HTMLElement>('tr[data-key]')
  return row && row.parentElement === body ? row : null
}

/** Which part of `row` the element is, or null for anything else in it (its open menu's items). */
export function partOf(row: HTMLElement, el: HTMLElement): Part | null {
  if (el === row) return 'row'
  if (el.matches(PART_SELECTOR.check)) return 'check'
  if (el.matches(PART_SELECTOR.kebab)) return 'kebab'
  return null
}

/** The element of a row's part. */
export const partIn = (row: HTMLElement, part: Part): HTMLElement => (part === 'row' ? row : (row.querySelector<HTMLElement>(PART_SELECTOR[part]) ?? row))

/** A row's parts, left to right. */
export const rowItems = (row: HTMLElement): HTMLElement[] => (['check', 'row', 'kebab'] as const).map((p) => partIn(row, p))

/** The header's items shown, left to right. */
export const headItems = (table: HTMLElement | null): HTMLElement[] => [...(table?.querySelectorAll<HTMLElement>(`thead ${HEAD_ITEMS}`) ?? [])].filter(shown)

export const isHeadItem = (table: HTMLElement | null, el: HTMLElement): boolean => !!table?.contains(el) && el.matches(`thead ${HEAD_ITEMS}`)
export const isResizer = (el: HTMLElement): boolean => el.classList.contains('column-resizer')
export const isSelectAll = (el: HTMLElement): boolean => el.matches('input[type="checkbox"]')
/** the sort button of the header cell `el` is in */
export const sortButtonBy = (el: HTMLElement): HTMLElement | null => el.closest('th')?.querySelector<HTMLElement>('.pf-v6-c-table__button') ?? null
