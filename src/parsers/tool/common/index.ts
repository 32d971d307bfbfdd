/** Shared building blocks of the tool-call parsers (see each file for the SMG behaviour it mirrors). */
export {
  JsonNumber,
  JsonSyntaxError,
  asObject,
  formatF64,
  getField,
  isCompleteJson,
  jsonNumberFromF64,
  jsonNumberFromInteger,
  orElse,
  parseJson,
  parseJsonString,
  serializeJson,
  tryParseJson,
} from './json';
export type { JsonArray, JsonObject, JsonValue } from './json';
export { JsonExtentScanner } from './json-scanner';
export { MarkerSearch, findFirstMarker, partialMarkerSuffix } from './markers';
export { coerceBySchemaType, paramTypesForFunction, parseRustI64 } from './schema';
export { createSectionParser, createSectionStream } from './section';
export type { SectionFormat } from './section';
export { StepBuilder, assembleSteps, parseWithStream } from './stream';
export {
  RUST_WS_CLASS,
  isRustWhitespaceCode,
  rustTrim,
  rustTrimEnd,
  rustTrimStart,
  trailingWhitespaceLength,
} from './text';
export { findHead, taggedSpans } from './tags';
export type { TaggedSpan } from './tags';
