// Failed sign-ins are rate-limited, per user name (whether or not it exists, so the limit tells
// nothing) and per source address: past the limit a sign-in is refused before any password is
// checked, until the window has passed. Kept in each process's memory: with --workers or replicas
// each keeps its own count, so the limits hold per process.
import type { Clock } from '../../core/clock.js'

export interface FailureLimits {
  /** Failures allowed per user name in the window. */
  perUser: number
  /** Failures allowed per source address in the window. */
  perAddress: number
  windowMs: number
}

/** Five tries per name and twenty per address in fifteen minutes, as common lockout policies. */
export const DEFAULT_FAILURE_LIMITS: FailureLimits = {
  perUser: 5,
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
}

const MAX_TRACKED = 10_000

export class FailedSignIns {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly clock: Clock,
    private readonly limits: FailureLimits = DEFAULT_FAILURE_LIMITS,
  ) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((at) => at > now - this.limits.windowMs)
    if (kept.length === 0) this.failures.delete(key)
    else this.failures.set(key, kept)
    return kept
  }

  private keys(accountId: string, userName: string, address: string) {
    return {
      user: `user:${accountId}:${userName.toLowerCase()}`,
      address: `address:${address}`,
    }
  }

  /** Milliseconds until another try is allowed; 0 when one is allowed now. */
  retryAfterMs(accountId: string, userName: string, address: string): number {
    const now = this.clock.now().getTime()
    const keys = this.keys(accountId, userName, address)
    let wait = 0
    for (const [key, limit] of [
      [keys.user, this.limits.perUser],
      [keys.address, this.limits.perAddress],
    ] as const) {
      const recent = this.recent(key, now)
      if (recent.length >= limit) {
        const oldest = recent[recent.length - limit] ?? now
        wait = Math.max(wait, oldest + this.limits.windowMs - now)
      }
    }
    return wait
  }

  record(accountId: string, userName: string, address: string): void {
    const now = this.clock.now().getTime()
    if (this.failures.size > MAX_TRACKED) this.failures.clear()
    const keys = this.keys(accountId, userName, address)
    for (const key of [keys.user, keys.address])
      this.failures.set(key, [...this.recent(key, now), now])
  }

  /** A successful sign-in clears the name's failures (not the address's). */
  succeeded(accountId: string, userName: string): void {
    this.failures.delete(this.keys(accountId, userName, '').user)
  }
}
