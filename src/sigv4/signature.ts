// Step 4: the signature, the hex HMAC of the string to sign under the signing key.

import { toHex } from './crypto.js'
import type { Sigv4Crypto } from './crypto.js'

export const signature = (crypto: Sigv4Crypto, key: Uint8Array, stringToSign: string): string =>
  toHex(crypto.hmacSha256(key, stringToSign))
