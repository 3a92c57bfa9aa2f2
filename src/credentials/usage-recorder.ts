// Remembers when access keys and roles were last used and writes that to the store every few
// seconds, never on the request path: requests only note into memory, the latest use per id wins.
import type { Logger } from 'pino'
import type { Caller } from '../core/caller.js'
import type { AccessKeyUse, RoleUse, Store } from '../store/ports.js'

/** Starts calling `tick` every `intervalMs`; the function returned stops it. */
export type UsageSchedule = (tick: () => void, intervalMs: number) => () => void

/** setInterval, unref'd: a pending flush must not keep the process alive. */
export const intervalSchedule: UsageSchedule = (tick, intervalMs) => {
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

export const DEFAULT_USAGE_FLUSH_MS = 5000

export interface UsageRecorderOptions {
  store: Pick<Store, 'recordUse'>
  logger: Pick<Logger, 'warn'>
  /** How often noted uses are written; DEFAULT_USAGE_FLUSH_MS unless given. */
  intervalMs?: number
  /** intervalSchedule unless given (tests drive flushes by hand). */
  schedule?: UsageSchedule
}

/** What the request path needs: notes only, each a map write. */
export interface UsageNotes {
  noteAccessKey(accessKeyId: string, serviceName: string, region: string, at: Date): void
  noteRole(roleId: string, region: string, at: Date): void
}

/**
 * Notes what an authenticated request used: a long-term access key (AKIA...) with the service and
 * region it was signed for, or, for a role session, the role. Temporary keys are no IAM access
 * keys, and GetSessionToken's sessions stand for no role, so neither is noted.
 */
export function noteCallerUse(
  notes: UsageNotes,
  caller: Caller,
  use: { service: string; region: string; at: Date },
): void {
  if (caller.type === 'assumed-role') {
    notes.noteRole(caller.principalId, use.region, use.at)
  } else if (caller.type === 'user' && caller.session === undefined) {
    notes.noteAccessKey(caller.accessKeyId, use.service, use.region, use.at)
  }
}

export class UsageRecorder implements UsageNotes {
  #keys = new Map<string, AccessKeyUse>()
  #roles = new Map<string, RoleUse>()
  #flushing: Promise<void> = Promise.resolve()
  #closed = false
  readonly #stop: () => void
  readonly #store: UsageRecorderOptions['store']
  readonly #logger: UsageRecorderOptions['logger']

  constructor(options: UsageRecorderOptions) {
    this.#store = options.store
    this.#logger = options.logger
    const schedule = options.schedule ?? intervalSchedule
    this.#stop = schedule(() => void this.flush(), options.intervalMs ?? DEFAULT_USAGE_FLUSH_MS)
  }

  /** How many keys and roles wait for the next flush. */
  get pending(): number {
    return this.#keys.size + this.#roles.size
  }

  noteAccessKey(accessKeyId: string, serviceName: string, region: string, at: Date): void {
    if (this.#closed) return
    keepLatest(this.#keys, accessKeyId, { accessKeyId, date: at, serviceName, region })
  }

  noteRole(roleId: string, region: string, at: Date): void {
    if (this.#closed) return
    keepLatest(this.#roles, roleId, { roleId, date: at, region })
  }

  /**
   * Writes what was noted since the last flush. Never rejects: a failure is logged and its uses
   * wait for the next flush (unless a newer use of the same id came in meanwhile).
   */
  flush(): Promise<void> {
    // One flush at a time, so an older batch can never land after a newer one.
    this.#flushing = this.#flushing.then(() => this.#flushOnce())
    return this.#flushing
  }

  /** Stops the timer and writes what is left; call before the store closes. */
  async close(): Promise<void> {
    if (this.#closed) return this.#flushing
    this.#closed = true
    this.#stop()
    await this.flush()
  }

  async #flushOnce(): Promise<void> {
    if (this.pending === 0) return
    const keys = this.#keys
    const roles = this.#roles
    this.#keys = new Map()
    this.#roles = new Map()
    try {
      await this.#store.recordUse({ accessKeys: [...keys.values()], roles: [...roles.values()] })
    } catch (error) {
      this.#logger.warn(
        { err: error, accessKeys: keys.size, roles: roles.size },
        this.#closed
          ? 'could not record when access keys and roles were last used; dropped at close'
          : 'could not record when access keys and roles were last used; will retry',
      )
      if (this.#closed) return
      for (const [id, use] of keys) keepLatest(this.#keys, id, use)
      for (const [id, use] of roles) keepLatest(this.#roles, id, use)
    }
  }
}

function keepLatest<U extends { date: Date }>(uses: Map<string, U>, id: string, use: U): void {
  const current = uses.get(id)
  if (current === undefined || current.date.getTime() <= use.date.getTime()) uses.set(id, use)
}
