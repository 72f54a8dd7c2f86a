// A path that wraps only after a `/`, never at a hyphen inside a name (`strata-e2e-x` stays whole).
import { Fragment } from 'react'

export function PathText({ text }: { text: string }): React.JSX.Element {
  const parts = text.split(/(?<=\/)/)
  return (
    <span className="path-text">
      {parts.map((part, i) => (
        <Fragment key={i}>
          <span>{part}</span>
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  )
}
