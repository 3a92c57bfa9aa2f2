// Types for the part of autocannon (it ships none) that the STS benchmark uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    interface Options {
      url: string
      connections?: number
      /** Seconds. */
      duration?: number
      /** Seconds before a request counts as timed out. */
      timeout?: number
      method?: string
      headers?: Record<string, string>
      body?: string | Buffer
    }
    interface Result {
      /** Seconds actually spent. */
      duration: number
      '2xx': number
      non2xx: number
      errors: number
      timeouts: number
    }
    /** Emits 'response' (client, statusCode, bytes, responseTimeMs) for every answer. */
    type Instance = EventEmitter
  }

  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance

  export = autocannon
}
