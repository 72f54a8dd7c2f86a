// A count with its English word in the form the count takes: "1 container", "2 containers",
// never "container(s)". For the CLI's own lines; the engine's sentences write the same choice
// in their templates (`{{count:form|forms}}`, engine-text.ts).

/** `n` and `one` or `other` after it. */
export const counted = (n: number, one: string, other: string): string => `${n} ${n === 1 ? one : other}`
