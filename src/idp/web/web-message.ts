// The request and response the IdP's pages speak: the same shape as the http layer's messages
// (which the IdP may not import), so the composition root hands one to the other as is.

export interface WebRequest {
  method: string
  /** Percent-encoded, without the query string. */
  path: string
  query: string
  headers: ReadonlyArray<readonly [string, string]>
  body: Uint8Array
  sourceIp: string
  /** True under TLS: cookies are then Secure. */
  secure: boolean
}

export interface WebResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export function header(request: WebRequest, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of request.headers) if (key.toLowerCase() === wanted) return value
  return undefined
}

export const textResponse = (status: number, body: string): WebResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body,
})

/**
 * The headers every page carries: no caching, no framing, styles and scripts by nonce only, and
 * forms that post only to this origin and `formActions`.
 */
export function securePage(
  response: WebResponse,
  nonce: string,
  formActions: readonly string[] = [],
): WebResponse {
  Object.assign(response.headers, {
    'cache-control': 'no-store',
    'content-security-policy': [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      `form-action ${["'self'", ...formActions].join(' ')}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Not no-referrer: browsers would then send `Origin: null` with the forms' own POSTs.
    'referrer-policy': 'same-origin',
  })
  return response
}
