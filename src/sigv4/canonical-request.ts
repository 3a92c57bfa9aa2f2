// Step 1: the canonical request, the six parts joined with newlines.

export interface CanonicalRequestParts {
  method: string
  canonicalUri: string
  canonicalQuery: string
  /** The header block from canonicalHeaders(), each line already ending in '\n'. */
  canonicalHeaders: string
  signedHeaders: string
  payloadHash: string
}

export const canonicalRequest = (parts: CanonicalRequestParts): string =>
  [
    parts.method,
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n')
