// The built-in issuers' public documents, unsigned as OIDC requires: GET (or HEAD)
// `/issuers/ACCOUNT/NAME/.well-known/openid-configuration` and `/issuers/ACCOUNT/NAME/keys`, JSON
// with cache headers.
import type { HttpRequest, HttpResponse } from './http-message.js'
import { jsonResponse } from './http-message.js'

/** The issuer a document belongs to. */
interface IssuerRef {
  accountId: string
  name: string
}

/** What the route needs of the issuers: each document, or undefined when no such issuer exists. */
export interface IssuerDocuments {
  discovery(issuer: IssuerRef): Promise<object | undefined>
  jwks(issuer: IssuerRef): Promise<object | undefined>
}

const DOCUMENT =
  /^\/issuers\/(\d{12})\/([A-Za-z0-9][A-Za-z0-9_-]*)\/(\.well-known\/openid-configuration|keys)\/?$/

// Discovery rarely changes; the JWKS changes on rotation, and verifiers refetch on an unknown kid.
const DISCOVERY_MAX_AGE = 3600
const JWKS_MAX_AGE = 300

/** True for the paths issuerRoute answers (with a document or a 404) when there are issuers. */
export const isIssuerPath = (path: string): boolean => path.startsWith('/issuers/')

/** The document's answer, or undefined when the path is not an issuer document. */
export async function issuerRoute(
  request: HttpRequest,
  documents: IssuerDocuments | undefined,
): Promise<HttpResponse | undefined> {
  if (!documents || !isIssuerPath(request.path)) return undefined
  const match = DOCUMENT.exec(request.path)
  if (!match) return notFound()
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const response = jsonResponse(405, { error: 'MethodNotAllowed', message: 'Use GET.' })
    response.headers['allow'] = 'GET, HEAD'
    return response
  }
  const [, accountId, name, kind] = match as unknown as [string, string, string, string]
  const jwks = kind === 'keys'
  const issuer = { accountId, name }
  const document = jwks ? await documents.jwks(issuer) : await documents.discovery(issuer)
  if (document === undefined) return notFound()
  const response = jsonResponse(200, document)
  if (jwks) response.headers['content-type'] = 'application/jwk-set+json'
  response.headers['cache-control'] = `public, max-age=${jwks ? JWKS_MAX_AGE : DISCOVERY_MAX_AGE}`
  return response
}

const notFound = () => jsonResponse(404, { error: 'NotFound', message: 'No such issuer document.' })
