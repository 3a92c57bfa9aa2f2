// A minimal ASN.1 DER encoder: exactly the types an X.509 v3 certificate needs, each written in
// its one canonical encoding (definite minimal lengths, minimal two's-complement integers).
import { Buffer } from 'node:buffer'

/** Universal tags used here. */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One tag-length-value. */
export const tlv = (tag: number, content: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content])

export const sequence = (...items: Uint8Array[]): Buffer => tlv(TAG.sequence, Buffer.concat(items))
export const set = (...items: Uint8Array[]): Buffer => tlv(TAG.set, Buffer.concat(items))
export const boolean = (value: boolean): Buffer => tlv(TAG.boolean, Buffer.from([value ? 0xff : 0]))
export const nullValue = (): Buffer => tlv(TAG.null, Buffer.alloc(0))
export const octetString = (value: Uint8Array): Buffer => tlv(TAG.octetString, value)
export const utf8String = (value: string): Buffer => tlv(TAG.utf8String, Buffer.from(value, 'utf8'))
export const ia5String = (value: string): Buffer => tlv(TAG.ia5String, Buffer.from(value, 'ascii'))

/** A non-negative INTEGER from big-endian magnitude bytes (or a small number). */
export function integer(value: Uint8Array | number): Buffer {
  let hex = typeof value === 'number' ? value.toString(16) : Buffer.from(value).toString('hex')
  if (hex.length % 2 === 1) hex = `0${hex}`
  const bytes = Buffer.from(hex, 'hex')
  let start = 0
  // Minimal: no leading zero bytes; a leading zero is added back only to keep the value positive.
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const trimmed = bytes.subarray(start)
  const content = (trimmed[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed
  return tlv(TAG.integer, content.length === 0 ? Buffer.from([0]) : content)
}

/** A BIT STRING whose content is whole bytes. */
export const bitString = (value: Uint8Array): Buffer =>
  tlv(TAG.bitString, Buffer.concat([Buffer.from([0]), value]))

/** A named-bit BIT STRING (KeyUsage): bit 0 is the most significant; trailing zeros dropped. */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(TAG.bitString, Buffer.from([0]))
  const highest = Math.max(...bits)
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1)
  for (const bit of bits) {
    const index = Math.floor(bit / 8)
    bytes[index] = (bytes[index] ?? 0) | (0x80 >> (bit % 8))
  }
  const unused = 7 - (highest % 8)
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unused]), bytes]))
}

function base128(value: number): number[] {
  const out = [value & 0x7f]
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) {
    out.unshift((rest & 0x7f) | 0x80)
  }
  return out
}

/** An OBJECT IDENTIFIER from dotted text, e.g. `2.5.4.3`. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number)
  const [first = 0, second = 0, ...rest] = arcs
  const bytes = [...base128(first * 40 + second), ...rest.flatMap(base128)]
  return tlv(TAG.oid, Buffer.from(bytes))
}

const two = (n: number) => String(n).padStart(2, '0')

/** X.509 time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear()
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z'
  if (year >= 1950 && year < 2050) {
    return tlv(TAG.utcTime, Buffer.from(two(year % 100) + rest, 'ascii'))
  }
  return tlv(TAG.generalizedTime, Buffer.from(String(year).padStart(4, '0') + rest, 'ascii'))
}

/** `[n] EXPLICIT`: a constructed context-specific wrapper around one encoded value. */
export const explicit = (tagNumber: number, value: Uint8Array): Buffer =>
  tlv(0xa0 | tagNumber, value)

/** `[n] IMPLICIT` of a primitive type: the content with a context-specific tag. */
export const implicitPrimitive = (tagNumber: number, content: Uint8Array): Buffer =>
  tlv(0x80 | tagNumber, content)
