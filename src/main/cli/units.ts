// Byte counts for people: the one formatter the app uses too (shared/format-bytes.ts).
export { formatBytes } from '@shared/format-bytes'
