// The request and response the socket-free core speaks: what the node:http adapter (or a test)
// hands in and gets back, with nothing of node:http left in it.

export interface HttpRequest {
  method: string
  /** The path as received, still percent-encoded, without the query string. */
  path: string
  /** The query string as received, without the leading `?` ('' when there is none). */
  query: string
  /** Header names and values as received, in order; names keep their case. */
  headers: ReadonlyArray<readonly [string, string]>
  body: Uint8Array
  sourceIp: string
  /** True when the request arrived over TLS (aws:SecureTransport). */
  secure: boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The first value of a header, matched without regard to case. */
export function headerValue(request: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of request.headers) {
    if (key.length === wanted.length && key.toLowerCase() === wanted) return value
  }
  return undefined
}

export const jsonResponse = (status: number, value: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
})
