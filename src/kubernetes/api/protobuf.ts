// Kubernetes' protobuf wire form (application/vnd.kubernetes.protobuf): the magic `k8s\0`, then a
// runtime.Unknown whose typeMeta names the object and whose raw bytes hold it. Decoded with
// protobufjs over rolegate's own schema into the object's JSON form.
import protobuf from 'protobufjs/light.js'
import { PROTOBUF_KINDS, buildSchema } from './protobuf-schema.js'

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const

/** Why a body could not be read; the message goes into a 400 Status. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError'
}

const startsWithMagic = (body: Uint8Array): boolean =>
  body.length >= MAGIC.length && MAGIC.every((byte, index) => body[index] === byte)

/** Objects in JSON form, as the apiserver's JSON codec would have produced them. */
export type JsonObject = Record<string, unknown>

const messageType = (field: protobuf.FieldBase): protobuf.Type | undefined =>
  field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined

/** A scalar's JSON form: int64 values (Long) become numbers. */
const scalar = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && 'toNumber' in value
    ? (value as { toNumber(): number }).toNumber()
    : value

/**
 * Turns a decoded message into its JSON form the way Go's JSON encoding of the API types reads:
 * empty strings, false and empty lists are `omitempty` fields left out, int64 become numbers,
 * maps of ExtraValue become maps of string lists.
 */
function toJson(type: protobuf.Type, message: protobuf.Message): JsonObject {
  const object: JsonObject = {}
  const values = message as unknown as Record<string, unknown>
  for (const field of type.fieldsArray) {
    // A field the wire did not carry reads its default from the prototype: it was absent, which
    // for an optional number (TokenRequest's expirationSeconds, a *int64) is not the same as 0.
    if (!Object.hasOwn(values, field.name)) continue
    const value = values[field.name]
    if (value === undefined || value === null) continue
    const nested = messageType(field)
    const convert = (item: unknown): unknown =>
      nested ? toJson(nested, item as protobuf.Message) : scalar(item)
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>)
      if (entries.length === 0) continue
      // Keys come from the wire: defined as own properties, so `__proto__` stays a key.
      const map: JsonObject = {}
      for (const [key, entry] of entries) {
        const converted = convert(entry)
        const mapped = nested?.name === 'ExtraValue' ? itemsOf(converted as JsonObject) : converted
        Object.defineProperty(map, key, { value: mapped, enumerable: true, writable: true })
      }
      object[field.name] = map
    } else if (field.repeated) {
      const list = value as unknown[]
      if (list.length > 0) object[field.name] = list.map(convert)
    } else if (value !== '' && value !== false) {
      object[field.name] = convert(value)
    }
  }
  return object
}

/** An ExtraValue's JSON form is its list of items. */
const itemsOf = (extra: JsonObject): string[] =>
  Array.isArray(extra['items']) ? (extra['items'] as string[]) : []

/** Time's JSON form is RFC 3339 to the second; the zero time is null, as Go writes it. */
function fixTimes(object: JsonObject): JsonObject {
  const metadata = object['metadata']
  if (typeof metadata === 'object' && metadata !== null) {
    const meta = metadata as JsonObject
    const created = meta['creationTimestamp'] as { seconds?: number } | undefined
    if (created !== undefined) {
      const seconds = created.seconds ?? 0
      if (seconds === 0) delete meta['creationTimestamp']
      else meta['creationTimestamp'] = new Date(seconds * 1000).toISOString().replace('.000', '')
    }
  }
  return object
}

/** A decoder of the kinds rolegate reads as protobuf; one per server, the schema built once. */
export class ProtobufCodec {
  private readonly root = buildSchema()
  private readonly unknown = this.root.lookupType('.k8s.io.apimachinery.pkg.runtime.Unknown')

  /**
   * The object in a protobuf body, in JSON form with its apiVersion and kind. Throws
   * ProtobufDecodeError for a body that is not one, or names a kind rolegate does not read so.
   */
  decode(body: Uint8Array): JsonObject {
    if (!startsWithMagic(body)) {
      throw new ProtobufDecodeError('provided object is not a protobuf message (no k8s magic)')
    }
    let envelope: protobuf.Message
    try {
      envelope = this.unknown.decode(body.subarray(MAGIC.length))
    } catch (error) {
      throw new ProtobufDecodeError(`cannot decode the runtime.Unknown envelope: ${reason(error)}`)
    }
    const fields = envelope as unknown as {
      typeMeta?: { apiVersion?: string; kind?: string }
      raw?: Uint8Array
      contentEncoding?: string
    }
    const apiVersion = fields.typeMeta?.apiVersion ?? ''
    const kind = fields.typeMeta?.kind ?? ''
    if (fields.contentEncoding !== undefined && fields.contentEncoding !== '') {
      throw new ProtobufDecodeError(`unsupported content encoding ${fields.contentEncoding}`)
    }
    const typeName = PROTOBUF_KINDS[`${apiVersion} ${kind}`]
    if (typeName === undefined) {
      throw new ProtobufDecodeError(
        kind === ''
          ? 'Object kind missing from the protobuf envelope'
          : `no kind "${kind}" is registered for version "${apiVersion}" in protobuf`,
      )
    }
    const type = this.root.lookupType(typeName)
    let message: protobuf.Message
    try {
      message = type.decode(fields.raw ?? new Uint8Array())
    } catch (error) {
      throw new ProtobufDecodeError(`cannot decode ${kind}: ${reason(error)}`)
    }
    return fixTimes({ apiVersion, kind, ...toJson(type, message) })
  }
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error))
