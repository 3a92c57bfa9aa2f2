// SigV4's URI encoding (RFC 3986 unreserved characters kept, every other UTF-8 byte as %XX with
// uppercase hex) and the matching percent-decoder, both byte-exact so raw UTF-8 survives.

const utf8 = new TextEncoder()
const upperHex = '0123456789ABCDEF'

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  byte === 0x2d || // -
  byte === 0x2e || // .
  byte === 0x5f || // _
  byte === 0x7e // ~

/** Percent-encodes bytes; `keepSlash` leaves '/' alone (for paths). */
export const uriEncodeBytes = (bytes: Uint8Array, keepSlash = false): string => {
  let out = ''
  for (const byte of bytes) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte)
    else out += '%' + upperHex[byte >> 4]! + upperHex[byte & 15]!
  }
  return out
}

/** Percent-encodes the UTF-8 bytes of a string. */
export const uriEncode = (text: string, keepSlash = false): string =>
  uriEncodeBytes(utf8.encode(text), keepSlash)

const hexValue = (code: number): number => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/**
 * Decodes %XX escapes to bytes; everything else is taken as its UTF-8 bytes. A '%' that does not
 * start a valid escape stays a literal '%' (it then re-encodes as %25) and '+' stays '+': the
 * canonical form is RFC 3986, not HTML forms.
 */
export const percentDecodeBytes = (text: string): Uint8Array => {
  const source = utf8.encode(text)
  const out = new Uint8Array(source.length)
  let length = 0
  for (let i = 0; i < source.length; i++) {
    const byte = source[i]!
    if (byte === 0x25 && i + 2 < source.length) {
      const high = hexValue(source[i + 1]!)
      const low = hexValue(source[i + 2]!)
      if (high >= 0 && low >= 0) {
        out[length++] = (high << 4) | low
        i += 2
        continue
      }
    }
    out[length++] = byte
  }
  return out.subarray(0, length)
}

const utf8Decoder = new TextDecoder()

/** Percent-decodes to a string (invalid UTF-8 becomes U+FFFD). */
export const percentDecode = (text: string): string => utf8Decoder.decode(percentDecodeBytes(text))
