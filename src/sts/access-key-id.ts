// Temporary access key ids carry their account the way AWS's do: after the 4-letter prefix, 16
// base32 characters whose first 6 bytes hold the account id in bits 46..7. GetAccessKeyInfo reads
// it back without a lookup, for AWS's keys and ours alike.
import type { IdSource } from '../core/ids.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ACCOUNT_MASK = 0x7fffffffff80n

function base32(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    value = (value << 8) | bytes[i]!
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

function unbase32(text: string): Uint8Array | undefined {
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const char of text) {
    const index = ALPHABET.indexOf(char)
    if (index === -1) return undefined
    value = ((value << 5) | index) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}

/** `ASIA` + 16 characters encoding `accountId`, the rest random. */
export function temporaryAccessKeyId(
  accountId: string,
  ids: Pick<IdSource, 'randomBytes'>,
): string {
  const bytes = ids.randomBytes(10)
  // Bit 47 and bits 6..0 of the first 6 bytes stay random; the account (12 digits, under 2^40)
  // fills bits 46..7. Plain numbers hold 48 bits exactly, so no BigInt is needed.
  const keepHigh = bytes[0]! & 0x80
  const keepLow = bytes[5]! & 0x7f
  bytes.writeUIntBE((Number(accountId) % 2 ** 40) * 2 ** 7, 0, 6)
  bytes[0] = bytes[0]! | keepHigh
  bytes[5] = bytes[5]! | keepLow
  return 'ASIA' + base32(bytes)
}

/** The 12-digit account an access key id names, or undefined when it is not one AWS could read. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  if (!/^[A-Z]{4}[A-Z2-7]{16}$/.test(accessKeyId)) return undefined
  const bytes = unbase32(accessKeyId.slice(4))
  if (!bytes || bytes.length < 6) return undefined
  let high = 0n
  for (const byte of bytes.subarray(0, 6)) high = (high << 8n) | BigInt(byte)
  return ((high & ACCOUNT_MASK) >> 7n).toString().padStart(12, '0')
}
