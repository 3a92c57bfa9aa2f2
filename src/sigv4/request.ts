// The request as SigV4 sees it: what arrived on the wire, before any decoding, plus the names and
// constants shared by the signer and the verifier.

export interface SignableRequest {
  method: string
  /** Raw path as on the wire, percent-encoded as received (never decoded). */
  path: string
  /** Raw query string without the leading '?', percent-encoded as received. */
  query: string
  /** Headers as received, in order; duplicates allowed; names in any case. */
  headers: readonly (readonly [name: string, value: string])[]
  body: Uint8Array
}

export const ALGORITHM = 'AWS4-HMAC-SHA256'
export const SCOPE_TERMINATOR = 'aws4_request'
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
/** Longest X-Amz-Expires AWS accepts: seven days. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604800

/** Every value of a header, matched case-insensitively, in arrival order. */
export const headerValues = (request: SignableRequest, name: string): string[] => {
  const wanted = name.toLowerCase()
  const values: string[] = []
  for (const [headerName, value] of request.headers) {
    if (headerName.toLowerCase() === wanted) values.push(value)
  }
  return values
}

/** The first value of a header, or undefined when absent. */
export const firstHeader = (request: SignableRequest, name: string): string | undefined => {
  const wanted = name.toLowerCase()
  for (const [headerName, value] of request.headers) {
    if (headerName.length === wanted.length && headerName.toLowerCase() === wanted) return value
  }
  return undefined
}
