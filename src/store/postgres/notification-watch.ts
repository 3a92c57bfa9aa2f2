// Hears the writes other processes on one PostgreSQL database announce (LISTEN/NOTIFY), and
// proves that it hears: every second the process NOTIFYs itself on a channel of its own and
// expects the echo. While it cannot be sure (a heartbeat missed, the connection lost), every look
// reports a change, so caches hold nothing and every request reads through, until a heartbeat
// sent since comes back.

import { randomUUID } from 'node:crypto'
import { Socket } from 'node:net'
import { sql } from 'kysely'
import pg from 'pg'
import type { OtherWriters } from '../kysely/kysely-store.js'
import type { DeafCause, Freshness } from '../ports.js'

/** The channel every write is announced on, with the writing process's id as payload. */
export const WRITES_CHANNEL = 'rolegate_writes'

export const DEFAULT_HEARTBEAT_MS = 1000
const RECONNECT_MS = 1000
/** Idle time before TCP keepalive probes a connection whose peer went silent. */
const KEEPALIVE_IDLE_MS = 5000
/** Missed heartbeats in a row after which the listening connection is given up and replaced. */
const REPLACE_AFTER_MISSED = 3
/** How long a connection may take to open before it counts as failed. */
const CONNECT_TIMEOUT_MS = 10_000
/** How long closing waits for the server to say goodbye before dropping the socket. */
const CLOSE_GRACE_MS = 1000

/** A time the replica could not hear, reported once it hears again. */
export interface DeafEpisode {
  cause: DeafCause
  startedAt: Date
  durationMs: number
}

export interface NotificationWatchOptions {
  connectionString: string
  /**
   * How often the process NOTIFYs itself, in milliseconds; 0 sends nothing, and a silent
   * listener is then noticed only when its connection fails (for measuring what heartbeats cost).
   */
  heartbeatMs?: number | undefined
  /** Told once per episode, when it ends. */
  onEpisode?: ((episode: DeafEpisode) => void) | undefined
}

/** A client with its socket at hand: `end()` waits for a server that may never answer. */
interface Link {
  client: pg.Client
  socket: Socket | undefined
  /** Since when it has been connecting or sending a heartbeat; undefined when idle. */
  busySince: number | undefined
}

function openLink(connectionString: string): Link {
  const link: Link = {
    client: undefined as unknown as pg.Client,
    socket: undefined,
    busySince: undefined,
  }
  link.client = new pg.Client({
    connectionString,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    stream: () => (link.socket = new Socket()),
  })
  return link
}

const drop = (link: Link) => void link.socket?.destroy()

async function closeLink(link: Link): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS)
    timer.unref()
  })
  await Promise.race([link.client.end().catch(() => undefined), grace])
  clearTimeout(timer)
  drop(link)
}

interface Episode {
  cause: DeafCause
  startedAt: Date
  startedAtMs: number
  /** The heartbeats sent before it began: only a later one proves the listener hears again. */
  sentBefore: number
}

export class NotificationWatch implements OtherWriters {
  /** Our own announcements come back to us too; our writes already moved our generation. */
  readonly #self = randomUUID()
  /** Only this process listens on it, so no other replica is woken by our heartbeats. */
  readonly #heartbeatChannel = `rolegate_heartbeat_${this.#self.replaceAll('-', '')}`
  readonly #connectionString: string
  readonly #heartbeatMs: number
  readonly #onEpisode: ((episode: DeafEpisode) => void) | undefined
  #listener: Link | undefined
  #sender: Link | undefined
  #pending = false
  #closed = false
  #timer: NodeJS.Timeout | undefined
  #episode: Episode | undefined
  /** Heartbeats are numbered: the last sent, when, and the highest heard. */
  #sent = 0
  #sentAt = 0
  #heard = 0
  /** The heartbeats sent before the current listener listened on both channels. */
  #listeningFrom = 0

  constructor(options: NotificationWatchOptions) {
    this.#connectionString = options.connectionString
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
    this.#onEpisode = options.onEpisode
  }

  /** Listens (failing if it cannot), then keeps the heartbeat going. */
  async start(): Promise<void> {
    await this.#listen()
    if (this.#heartbeatMs > 0) {
      this.#timer = setInterval(() => this.#tick(), this.#heartbeatMs)
      this.#timer.unref()
    }
  }

  changed(): boolean {
    if (this.#listener === undefined || this.#episode !== undefined) return true
    const was = this.#pending
    this.#pending = false
    return was
  }

  status(): Pick<Freshness, 'notifications' | 'deafSince' | 'deafCause'> {
    const episode = this.#episode
    if (episode === undefined && this.#listener !== undefined) return { notifications: 'hearing' }
    return {
      notifications: 'deaf',
      deafSince: episode?.startedAt,
      deafCause: episode?.cause ?? 'connection-lost',
    }
  }

  async announce(conn: Parameters<NonNullable<OtherWriters['announce']>>[0]): Promise<void> {
    await sql`select pg_notify(${WRITES_CHANNEL}, ${this.#self})`.execute(conn)
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    const links = [this.#listener, this.#sender].filter((link) => link !== undefined)
    this.#listener = undefined
    this.#sender = undefined
    await Promise.all(links.map(closeLink))
  }

  async #listen(): Promise<void> {
    const link = openLink(this.#connectionString)
    link.client.on('notification', (message) => this.#notified(link, message))
    link.client.on('error', () => this.#lost(link))
    link.client.on('end', () => this.#lost(link))
    try {
      await link.client.connect()
      // The writes channel last: a heartbeat sent from here on proves both are heard, and
      // pg_stat_activity shows the connection by this query.
      await link.client.query(`listen ${this.#heartbeatChannel}`)
      await link.client.query(`listen ${WRITES_CHANNEL}`)
    } catch (error) {
      drop(link)
      throw error
    }
    if (this.#closed) return closeLink(link)
    this.#listener = link
    this.#listeningFrom = this.#sent
    // What was committed while nobody listened is unknown.
    this.#pending = true
    // Without heartbeats, listening again is all the proof there is.
    if (this.#heartbeatMs === 0) this.#hearing()
    // Else a heartbeat at once, so that an episode ends as soon as it can.
    else this.#beat()
  }

  #notified(link: Link, message: pg.Notification): void {
    if (link !== this.#listener) return
    if (message.channel === WRITES_CHANNEL) {
      if (message.payload !== this.#self) this.#pending = true
      return
    }
    if (message.channel !== this.#heartbeatChannel) return
    const beat = Number(message.payload)
    if (beat > this.#heard) this.#heard = beat
    const episode = this.#episode
    // Notifications arrive in commit order: everything committed before this heartbeat was
    // delivered before it.
    if (episode !== undefined && beat > episode.sentBefore && beat > this.#listeningFrom) {
      this.#hearing()
    }
  }

  /** Ends the episode, if one is going on: caches may fill again from what is read next. */
  #hearing(): void {
    const episode = this.#episode
    if (episode === undefined) return
    this.#episode = undefined
    this.#pending = true
    this.#onEpisode?.({
      cause: episode.cause,
      startedAt: episode.startedAt,
      durationMs: Math.round(performance.now() - episode.startedAtMs),
    })
  }

  #lost(link: Link): void {
    drop(link)
    if (link === this.#sender) this.#sender = undefined
    if (link !== this.#listener) return
    this.#listener = undefined
    this.#deaf('connection-lost')
    this.#reconnectLater()
  }

  #reconnectLater(): void {
    if (this.#closed) return
    setTimeout(() => {
      if (this.#closed || this.#listener !== undefined) return
      this.#listen().catch(() => this.#reconnectLater())
    }, RECONNECT_MS).unref()
  }

  #deaf(cause: DeafCause): void {
    if (this.#episode !== undefined || this.#closed) return
    this.#episode = {
      cause,
      startedAt: new Date(),
      startedAtMs: performance.now(),
      sentBefore: this.#sent,
    }
  }

  #tick(): void {
    // After the I/O of this turn of the event loop: an echo that arrived while the loop was busy
    // is read before the heartbeat is judged missed.
    setImmediate(() => {
      if (this.#closed) return
      const listener = this.#listener
      const unheard = this.#sent > this.#heard && this.#sent > this.#listeningFrom
      if (listener !== undefined && unheard) {
        // Sent at once after a reconnect: give it half an interval before judging it.
        if (performance.now() - this.#sentAt < this.#heartbeatMs / 2) return
        this.#deaf('heartbeat-missed')
        // A connection that stays silent may be dead without knowing it (a NAT that dropped it,
        // a backend that hangs): listen on a new one.
        const missedFor = performance.now() - (this.#episode?.startedAtMs ?? 0)
        if (missedFor >= REPLACE_AFTER_MISSED * this.#heartbeatMs) this.#lost(listener)
      }
      this.#beat()
    })
  }

  /** Sends the next heartbeat on a connection of its own, so no busy pool can delay it. */
  #beat(): void {
    if (this.#heartbeatMs === 0 || this.#closed) return
    const sender = this.#sender
    const now = performance.now()
    if (sender?.busySince !== undefined) {
      // The last one is still not through after a whole interval: that connection is stuck, and
      // the next tick opens another.
      if (now - sender.busySince >= this.#heartbeatMs) this.#lost(sender)
      return
    }
    const link = sender ?? this.#openSender()
    const beat = (this.#sent += 1)
    this.#sentAt = now
    link.busySince = now
    const connected =
      link === sender ? Promise.resolve() : link.client.connect().then(() => undefined)
    connected
      .then(() =>
        link.client.query('select pg_notify($1, $2)', [this.#heartbeatChannel, String(beat)]),
      )
      .then(
        () => (link.busySince = undefined),
        () => this.#lost(link),
      )
  }

  #openSender(): Link {
    const link = openLink(this.#connectionString)
    link.client.on('error', () => this.#lost(link))
    link.client.on('end', () => this.#lost(link))
    this.#sender = link
    return link
  }
}
