// English's word forms for a count: "1 container", "2 containers", never "container(s)". The
// rule for the CLI's own lines and for the engine's sentences (`{{count:form|forms}}`,
// engine-text.ts); Japanese has one form.

/** `one` for a count of 1, else `other`. */
export const formFor = (n: number, one: string, other: string): string => (n === 1 ? one : other)

/** `n` and `one` or `other` after it. */
export const counted = (n: number, one: string, other: string): string => `${n} ${formFor(n, one, other)}`
