// The LXC config engine's public API.
export { parseConfig, parseConfigBytes, serializeConfig } from './parse'
export type { ConfigDocument, ConfigLine, LineEnding, LineKind, ParsedConfig } from './parse'
export { readConfigFile } from './read'
export { expandConfigFile } from './expand'
export type { ExpandedConfig, ExpandOptions } from './expand'
export { effectiveConfig, effectiveList, effectiveValue } from './effective'
export type { ConfigEntry, EffectiveSetting } from './effective'
export { legacyizeConfig, modernizeConfig } from './modernize'
export type { ConfigChange, ConversionResult } from './modernize'
export {
  LEGACY_TO_MODERN,
  MODERN_TO_LEGACY,
  clearsKey,
  isLegacyHostKey,
  keySpec,
  legacyKeyInfo,
  lookupKey
} from './keys'
export type { KeyKind, KeySpec, KeyVerdict } from './keys'
