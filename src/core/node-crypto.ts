// node:crypto implementations of the hash primitives the pure modules take as arguments (SigV4's
// Sigv4Crypto is satisfied structurally; core imports nothing of ours).

import * as crypto from 'node:crypto'

// One-shot `crypto.hash` (Node 20.12+) builds no Hash object, so it is used where Node has it;
// older Node 20 falls back to createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array | string) => string }).hash

export const nodeCrypto = {
  sha256Hex(data: Uint8Array | string): string {
    return oneShot
      ? oneShot('sha256', data)
      : crypto.createHash('sha256').update(data).digest('hex')
  },
  hmacSha256(key: Uint8Array | string, data: string): Uint8Array {
    return crypto.createHmac('sha256', key).update(data, 'utf8').digest()
  },
}
