// The default FetchLike for OIDC: node:https trusting Node's CA store plus an optional extra CA
// bundle, one fresh connection per request (no redirects, capped body, timeout), and remembering the
// certificate chain each origin served so TlsThumbprint reports the chain the bytes came over.
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect, rootCertificates } from 'node:tls'
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls'
import { isIP } from 'node:net'
import type { FetchLike, FetchResponseLike, TlsThumbprint } from './fetch-like.js'

export interface HttpsFetchOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  readonly ca?: string | readonly string[]
  /** Default 5000 ms, AWS's budget for an issuer. */
  readonly timeoutMs?: number
  /** Default 512 KiB. */
  readonly maxBodyBytes?: number
}

export interface HttpsFetch {
  readonly fetch: FetchLike
  readonly tlsThumbprint: TlsThumbprint
}

/** SHA-1 fingerprints of a peer's chain, leaf first, stopping where the chain reaches itself. */
function chainFingerprints(leaf: DetailedPeerCertificate): string[] {
  const out: string[] = []
  const seen = new Set<DetailedPeerCertificate>()
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert?.raw;) {
    if (seen.has(cert)) break
    seen.add(cert)
    out.push(createHash('sha1').update(cert.raw).digest('hex'))
    cert = cert.issuerCertificate
  }
  return out
}

export function createHttpsFetch(options: HttpsFetchOptions = {}): HttpsFetch {
  const extra = options.ca === undefined ? [] : [options.ca].flat()
  const ca = extra.length > 0 ? [...rootCertificates, ...extra] : undefined
  const timeoutMs = options.timeoutMs ?? 5000
  const maxBytes = options.maxBodyBytes ?? 512 * 1024
  const servedChains = new Map<string, readonly string[]>()

  const fetch: FetchLike = (url, init = {}) =>
    new Promise<FetchResponseLike>((resolve, reject) => {
      const target = new URL(url)
      const secure = target.protocol === 'https:'
      if (!secure && target.protocol !== 'http:') {
        reject(new Error(`unsupported protocol ${target.protocol}`))
        return
      }
      const signal = init.signal ?? AbortSignal.timeout(timeoutMs)
      const onResponse = (response: IncomingMessage) => {
        if (secure) {
          const socket = response.socket as TLSSocket
          servedChains.set(target.origin, chainFingerprints(socket.getPeerCertificate(true)))
        }
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) {
            response.destroy(new Error('response body too large'))
            return
          }
          chunks.push(chunk)
        })
        response.on('error', reject)
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({ status: response.statusCode ?? 0, text: () => Promise.resolve(body) })
        })
      }
      const requestOptions = {
        method: 'GET',
        agent: false as const,
        headers: { accept: 'application/json', ...init.headers },
        signal,
        timeout: timeoutMs,
        ...(secure && ca ? { ca } : {}),
      }
      const req = secure
        ? httpsRequest(target, requestOptions, onResponse)
        : httpRequest(target, requestOptions, onResponse)
      req.on('timeout', () => req.destroy(new Error('request timed out')))
      req.on('error', reject)
      req.end()
    })

  const handshake = (target: URL) =>
    new Promise<readonly string[]>((resolve, reject) => {
      const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
      const socket = connect({
        host,
        port: Number(target.port || 443),
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(ca ? { ca } : {}),
        timeout: timeoutMs,
      })
      socket.once('secureConnect', () => {
        const chain = chainFingerprints(socket.getPeerCertificate(true))
        socket.end()
        resolve(chain)
      })
      socket.once('timeout', () => socket.destroy(new Error('TLS handshake timed out')))
      socket.once('error', reject)
    })

  const tlsThumbprint: TlsThumbprint = async (url) => {
    const target = new URL(url)
    return servedChains.get(target.origin) ?? (await handshake(target))
  }

  return { fetch, tlsThumbprint }
}
