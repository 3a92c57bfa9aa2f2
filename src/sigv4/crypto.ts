// The two hash primitives SigV4 needs, injected so this folder stays pure (no node:*). The node
// implementation lives in core/node-crypto.ts; tests or browsers may pass any other.

export interface Sigv4Crypto {
  /** Lowercase hex SHA-256 of the UTF-8 bytes of a string, or of raw bytes. */
  sha256Hex(data: Uint8Array | string): string
  /** Raw HMAC-SHA256 of the UTF-8 bytes of `data` under `key` (a string key is taken as UTF-8). */
  hmacSha256(key: Uint8Array | string, data: string): Uint8Array
}

const hexDigits = '0123456789abcdef'
// Both digits of every byte, so each byte costs one lookup and one append.
const byteHex = Array.from(
  { length: 256 },
  (_, byte) => hexDigits[byte >> 4]! + hexDigits[byte & 15]!,
)

export const toHex = (bytes: Uint8Array): string => {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += byteHex[bytes[i]!]!
  return out
}
