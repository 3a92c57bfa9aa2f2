// Random bytes for access key ids, nonces and IVs, drawn from a pooled buffer: one randomFillSync
// per 4 KiB instead of a crypto job per draw (about 4 µs each, three per session issued). Each
// byte is handed out once, so no two draws share bytes.
import { randomBytes, randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let used = POOL_BYTES

/** `size` fresh CSPRNG bytes in a buffer of their own. */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 8) return randomBytes(size)
  if (used + size > POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  const out = Buffer.from(pool.subarray(used, used + size))
  // Bytes handed out do not linger in the pool.
  pool.fill(0, used, used + size)
  used += size
  return out
}
