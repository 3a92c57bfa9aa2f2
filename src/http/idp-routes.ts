// The built-in identity provider's public face under `/idp/`: its metadata document and the
// browser sign-in pages. The IdP (wired by the composition root) answers them; this layer only
// routes, and keeps an unexpected failure from leaking anything but a bare 500.
import type { Logger } from 'pino'
import type { HttpRequest, HttpResponse } from './http-message.js'

/** What the route needs of the IdP: an answer for every request under /idp/. */
export interface IdpPages {
  handle(request: HttpRequest): Promise<HttpResponse>
}

export const isIdpPath = (path: string): boolean => path === '/idp' || path.startsWith('/idp/')

/** The IdP's answer, or undefined when the path is not the IdP's (or there is no IdP). */
export async function idpRoute(
  request: HttpRequest,
  pages: IdpPages | undefined,
  logger: Logger,
  requestId: string,
): Promise<HttpResponse | undefined> {
  if (!pages || !isIdpPath(request.path)) return undefined
  try {
    return await pages.handle(request)
  } catch (error) {
    logger.error({ err: error, requestId, path: request.path }, 'identity provider failure')
    return {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'The identity provider failed to answer this request.\n',
    }
  }
}
