// node:crypto implementations of the hash primitives the pure modules take as arguments (SigV4's
// Sigv4Crypto is satisfied structurally; core imports nothing of ours). `crypto.hash` is one-shot
// and builds no Hash object; every supported Node line has it (20.12 and later).

import { createHmac, hash } from 'node:crypto'

export const nodeCrypto = {
  sha256Hex(data: Uint8Array | string): string {
    return hash('sha256', data)
  },
  hmacSha256(key: Uint8Array | string, data: string): Uint8Array {
    return createHmac('sha256', key).update(data, 'utf8').digest()
  },
}
