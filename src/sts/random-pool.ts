// Random bytes for access key ids, secrets and IVs, drawn from a pooled buffer: one randomFillSync
// per 4 KiB instead of a crypto job per draw (about 4 µs each, three per session issued). Each
// byte is handed out once, so no two draws share bytes.
import { randomBytes, randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let used = POOL_BYTES

/** Writes `size` fresh CSPRNG bytes into `target` at `offset`. */
export function pooledRandomFill(target: Uint8Array, offset: number, size: number): void {
  if (size > POOL_BYTES / 8) {
    randomFillSync(target, offset, size)
    return
  }
  if (used + size > POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  pool.copy(target, offset, used, used + size)
  // Bytes handed out do not linger in the pool.
  pool.fill(0, used, used + size)
  used += size
}

/** `size` fresh CSPRNG bytes in a buffer of their own. */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 8) return randomBytes(size)
  const out = Buffer.allocUnsafe(size)
  pooledRandomFill(out, 0, size)
  return out
}
