// A container's name cut in the middle when its column is narrow (PatternFly's Truncate look:
// the start ellipsised, the last characters kept), the whole name on hover. Pure CSS: PatternFly's
// Truncate mounts a Tooltip and a ResizeObserver per instance, which in a 500-row table cost
// more than the rest of the row (each tooltip's Popper reads computed styles on every render).
const KEEP = 7
const MIN_CUT = 12

/** `className`: added to the truncating span (the table limits its width with it, without a wrapper). */
export function NameText({ name, title, className }: { name: string; title?: string; className?: string }): React.JSX.Element {
  const cut = name.length - KEEP > MIN_CUT
  return (
    <span className={className ? `pf-v6-c-truncate ${className}` : 'pf-v6-c-truncate'} title={title ?? name}>
      <span className="pf-v6-c-truncate__start">{cut ? name.slice(0, -KEEP) : name}</span>
      {cut && <span className="pf-v6-c-truncate__end">{name.slice(-KEEP)}</span>}
    </span>
  )
}
