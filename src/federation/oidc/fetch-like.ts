// The network seams of OIDC verification: a fetch (WHATWG `fetch` fits it) and a hook that reports
// the TLS certificate chain an https origin served, so thumbprints can be checked.

export interface FetchResponseLike {
  readonly status: number
  text(): Promise<string>
}

export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal; headers?: Record<string, string> },
) => Promise<FetchResponseLike>

/**
 * SHA-1 fingerprints (hex, any case, no colons) of the certificate chain the URL's origin served,
 * leaf first, ending with the topmost certificate of the chain.
 */
export type TlsThumbprint = (url: string) => Promise<readonly string[]>
