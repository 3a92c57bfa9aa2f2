// rolegate's SAML endpoint for browsers, PUBLIC_URL/saml: where an identity provider posts the
// SAMLResponse, as it would to AWS's sign-in. The page (wired by the composition root) answers;
// this layer only routes, and keeps an unexpected failure from leaking anything but a bare 500.
import type { Logger } from 'pino'
import type { HttpRequest, HttpResponse } from './http-message.js'

/** What the route needs of the sign-in page: an answer for every request to /saml. */
export interface SamlSignInPage {
  handle(request: HttpRequest): Promise<HttpResponse>
}

export const isSamlPath = (path: string): boolean => path === '/saml' || path === '/saml/'

/** The page's answer, or undefined when the path is not /saml (or there is no page). */
export async function samlRoute(
  request: HttpRequest,
  page: SamlSignInPage | undefined,
  logger: Logger,
  requestId: string,
): Promise<HttpResponse | undefined> {
  if (!page || !isSamlPath(request.path)) return undefined
  try {
    return await page.handle(request)
  } catch (error) {
    logger.error({ err: error, requestId, path: request.path }, 'SAML sign-in failure')
    return {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'The SAML sign-in failed to answer this request.\n',
    }
  }
}
