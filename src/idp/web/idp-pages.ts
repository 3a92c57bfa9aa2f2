// Everything under PUBLIC_URL/idp/ACCOUNT/: the app's metadata (public, cacheable) and the
// browser sign-in. Unknown accounts and paths answer 404 without saying which it was.
import type { IdentityProvider } from '../identity-provider.js'
import type { WebRequest, WebResponse } from './web-message.js'
import { textResponse } from './web-message.js'

const PATH = /^\/idp\/(\d{12})(\/[a-z-]*)?\/?$/

/** SPs fetch metadata now and then; a rotation shows within five minutes. */
const METADATA_MAX_AGE = 300

export class IdpPages {
  constructor(private readonly idp: IdentityProvider) {}

  async handle(request: WebRequest): Promise<WebResponse> {
    const match = PATH.exec(request.path)
    if (!match) return notFound()
    const accountId = match[1] ?? ''
    const page = match[2] ?? '/'
    if (page === '/metadata') return this.metadata(request, accountId)
    return notFound()
  }

  private async metadata(request: WebRequest, accountId: string): Promise<WebResponse> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET, HEAD')
    const xml = await this.idp.metadata(accountId)
    if (xml === undefined) return notFound()
    return {
      status: 200,
      headers: {
        'content-type': 'application/samlmetadata+xml; charset=utf-8',
        'cache-control': `public, max-age=${METADATA_MAX_AGE}`,
        'content-disposition': `inline; filename="rolegate-idp-${accountId}-metadata.xml"`,
      },
      body: xml,
    }
  }
}

const notFound = () => textResponse(404, 'Not found.\n')

function methodNotAllowed(allow: string): WebResponse {
  const response = textResponse(405, 'Method not allowed.\n')
  response.headers['allow'] = allow
  return response
}
