// node:crypto implementations of the hash primitives the pure modules take as arguments (SigV4's
// Sigv4Crypto is satisfied structurally; core imports nothing of ours).

import { createHash, createHmac } from 'node:crypto'

export const nodeCrypto = {
  sha256Hex(data: Uint8Array | string): string {
    return createHash('sha256').update(data).digest('hex')
  },
  hmacSha256(key: Uint8Array | string, data: string): Uint8Array {
    return createHmac('sha256', key).update(data, 'utf8').digest()
  },
}
