// Seals a JSON value under a keyring key: AES-256-GCM with the format byte, key id and purpose as
// associated data, written as base64url; payloads worth it are deflated first. Any changed byte, or
// a blob sealed for another purpose, fails to open. Session tokens and authorization messages are
// both sealed boxes.
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { IdSource } from '../core/ids.js'
import type { KeyPurpose, KeyringKey } from './keyring.js'

/** The first byte: how the plaintext is stored. Both open; which one seals depends on size. */
const DEFLATED = 1
const PLAIN = 2
/**
 * JSON shorter than this is sealed as is: deflate sets up a zlib stream per call, which is not
 * worth the few dozen bytes it saves on a session without policies or tags.
 */
export const DEFLATE_FROM_BYTES = 1024
const IV_BYTES = 12
const TAG_BYTES = 16
/** Largest payload accepted when opening: a bound on what a forged blob can cost. */
const MAX_PLAINTEXT = 256 * 1024

/**
 * The associated data: format byte, key id length, key id, purpose. The box starts with the same
 * bytes up to the purpose (its header), so one buffer serves both.
 */
function associatedData(format: number, keyId: string, purpose: KeyPurpose): Buffer {
  const idLength = Buffer.byteLength(keyId, 'utf8')
  if (idLength > 255) throw new Error('key id too long')
  const out = Buffer.allocUnsafe(2 + idLength + Buffer.byteLength(purpose, 'utf8'))
  out[0] = format
  out[1] = idLength
  out.write(keyId, 2, 'utf8')
  out.write(purpose, 2 + idLength, 'utf8')
  return out
}

/** `ids` supplies the random IV. */
export function seal(
  value: unknown,
  key: KeyringKey,
  purpose: KeyPurpose,
  ids: Pick<IdSource, 'randomBytes'>,
): string {
  const json = Buffer.from(JSON.stringify(value), 'utf8')
  const format = json.length < DEFLATE_FROM_BYTES ? PLAIN : DEFLATED
  const aad = associatedData(format, key.keyId, purpose)
  const headLength = 2 + aad[1]!
  const plain = format === PLAIN ? json : deflateRawSync(json)
  // Written in place: header, IV, ciphertext (as long as the plaintext in GCM), tag.
  const box = Buffer.allocUnsafe(headLength + IV_BYTES + plain.length + TAG_BYTES)
  aad.copy(box, 0, 0, headLength)
  ids.randomBytes(IV_BYTES).copy(box, headLength)
  const iv = box.subarray(headLength, headLength + IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key.derived(purpose), iv)
  cipher.setAAD(aad)
  const body = cipher.update(plain)
  // GCM is a stream mode: all of it comes out of update. Were it not, the unwritten bytes of an
  // allocUnsafe buffer would leave in the box.
  if (body.length !== plain.length || cipher.final().length !== 0) throw new Error('GCM length')
  body.copy(box, headLength + IV_BYTES)
  cipher.getAuthTag().copy(box, box.length - TAG_BYTES)
  return box.toString('base64url')
}

/** The key id a sealed box names, or undefined when the text is not one. */
export function sealedKeyId(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64url')
  // Only the canonical spelling opens: otherwise a changed padding bit would decode alike.
  if (bytes.toString('base64url') !== text) return undefined
  if (bytes.length < 2 || (bytes[0] !== DEFLATED && bytes[0] !== PLAIN)) return undefined
  const idLength = bytes[1]!
  if (bytes.length < 2 + idLength + IV_BYTES + TAG_BYTES) return undefined
  return bytes.subarray(2, 2 + idLength).toString('utf8')
}

/** The sealed value, or undefined when the box was altered, sealed for another purpose or key. */
export function open(text: string, key: KeyringKey, purpose: KeyPurpose): unknown {
  if (sealedKeyId(text) !== key.keyId) return undefined
  const bytes = Buffer.from(text, 'base64url')
  const format = bytes[0]
  const headLength = 2 + bytes[1]!
  const head = bytes.subarray(0, headLength)
  const iv = bytes.subarray(headLength, headLength + IV_BYTES)
  const body = bytes.subarray(headLength + IV_BYTES, bytes.length - TAG_BYTES)
  const tag = bytes.subarray(bytes.length - TAG_BYTES)
  if (format === PLAIN && body.length > MAX_PLAINTEXT) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.derived(purpose), iv)
    decipher.setAAD(Buffer.concat([head, Buffer.from(purpose, 'utf8')]))
    decipher.setAuthTag(tag)
    const plain = Buffer.concat([decipher.update(body), decipher.final()])
    const json =
      format === PLAIN ? plain : inflateRawSync(plain, { maxOutputLength: MAX_PLAINTEXT })
    return JSON.parse(json.toString('utf8'))
  } catch {
    return undefined
  }
}
