// Step 1f: the payload hash, the last line of the canonical request: the hex SHA-256 of the body.

import type { Sigv4Crypto } from './crypto.js'

export const payloadHash = (crypto: Sigv4Crypto, body: Uint8Array): string => crypto.sha256Hex(body)
