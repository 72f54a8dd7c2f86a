/** See generated-lxcpath.mjs. */
export function generateLxcpath(P: string, count: number, perBase: number): void
