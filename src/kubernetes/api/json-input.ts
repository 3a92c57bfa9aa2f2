// Reading request bodies: JSON or protobuf into a JSON object, then typed fields out of it, each
// wrong type refused with the words of Go's encoding/json (what the apiserver's decoder says).
import type { JsonObject, ProtobufCodec } from './protobuf.js'
import { PROTOBUF_MEDIA_TYPE, ProtobufDecodeError } from './protobuf.js'
import { StatusError, badRequest, unsupportedMediaType } from './status.js'

export type { JsonObject }

/** A field of the wrong JSON type, named by its path. */
export class FieldTypeError extends Error {
  override readonly name = 'FieldTypeError'
  constructor(
    readonly field: string,
    readonly goType: string,
    actual: unknown,
  ) {
    super(
      `json: cannot unmarshal ${jsonTypeOf(actual)} into Go struct field ${field} of type ${goType}`,
    )
  }
}

const jsonTypeOf = (value: unknown): string => {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'object' : typeof value
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The media type of a Content-Type header, lower-cased, without parameters. */
export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

/** The body as a JSON object: JSON, or Kubernetes protobuf for the kinds the codec knows. */
export function readBody(
  body: Uint8Array,
  contentType: string | undefined,
  codec: ProtobufCodec,
): JsonObject {
  const type = mediaType(contentType)
  if (type === PROTOBUF_MEDIA_TYPE) {
    try {
      return codec.decode(body)
    } catch (error) {
      if (error instanceof ProtobufDecodeError) throw new StatusError(badRequest(error.message))
      throw error
    }
  }
  if (type !== 'application/json' && type !== '') {
    throw new StatusError(unsupportedMediaType())
  }
  return parseJsonObject(body)
}

/** Go's encoding/json refuses nesting deeper than this; so does every reader after the parse. */
export const MAX_JSON_DEPTH = 10_000

/** How deep a parsed value nests, counted without recursion (it may be very deep). */
function depthOf(value: unknown): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number]
    if (typeof node !== 'object' || node === null) continue
    if (depth > deepest) deepest = depth
    if (deepest > MAX_JSON_DEPTH) return deepest
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return deepest
}

/** Any JSON value from bytes (UTF-8), or a 400 Status saying why not. */
export function parseJson(body: Uint8Array): unknown {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown
  } catch (error) {
    const why = error instanceof Error ? error.message : 'not JSON'
    throw new StatusError(
      badRequest(`the body of the request could not be decoded as JSON: ${why}`),
    )
  }
  // Patches, field checks and copies walk the value recursively.
  if (depthOf(value) > MAX_JSON_DEPTH) throw new StatusError(badRequest('json: exceeded max depth'))
  return value
}

/** A JSON object from bytes, or a 400 Status saying why not. */
export function parseJsonObject(body: Uint8Array): JsonObject {
  const value = parseJson(body)
  if (!isJsonObject(value)) {
    throw new StatusError(
      badRequest(`json: cannot unmarshal ${jsonTypeOf(value)} into Go value of type struct`),
    )
  }
  return value
}

/** Typed reads of one object's fields; `path` names the object in errors (`spec`, `Go struct`). */
export class Fields {
  constructor(
    private readonly source: JsonObject,
    private readonly path: string,
  ) {}

  private at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`
  }

  /** A string field; absent or null reads as ''. */
  string(key: string): string {
    const value = this.source[key]
    if (value === undefined || value === null) return ''
    if (typeof value !== 'string') throw new FieldTypeError(this.at(key), 'string', value)
    return value
  }

  bool(key: string): boolean {
    const value = this.source[key]
    if (value === undefined || value === null) return false
    if (typeof value !== 'boolean') throw new FieldTypeError(this.at(key), 'bool', value)
    return value
  }

  /** A nested object, or undefined when absent or null. */
  object(key: string): Fields | undefined {
    const value = this.source[key]
    if (value === undefined || value === null) return undefined
    if (!isJsonObject(value)) throw new FieldTypeError(this.at(key), 'struct', value)
    return new Fields(value, this.at(key))
  }

  raw(key: string): unknown {
    return this.source[key]
  }

  strings(key: string): string[] {
    const value = this.source[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) throw new FieldTypeError(this.at(key), '[]string', value)
    return value.map((item) => {
      if (typeof item !== 'string') throw new FieldTypeError(this.at(key), 'string', item)
      return item
    })
  }

  /** A map of string lists (UserInfo.extra); keys kept as own properties. */
  stringListMap(key: string): Record<string, string[]> {
    const value = this.source[key]
    if (value === undefined || value === null) return {}
    if (!isJsonObject(value)) throw new FieldTypeError(this.at(key), 'map[string][]string', value)
    const map: Record<string, string[]> = {}
    for (const [name, list] of Object.entries(value)) {
      if (!Array.isArray(list)) throw new FieldTypeError(this.at(key), '[]string', list)
      for (const item of list) {
        if (typeof item !== 'string') throw new FieldTypeError(this.at(key), 'string', item)
      }
      Object.defineProperty(map, name, { value: list, enumerable: true, writable: true })
    }
    return map
  }
}
