// rolegate's own endpoints beside the AWS API: a health check, a readiness check for load
// balancers, and a state reset for test suites (`/_rolegate/reset`, and `/moto-api/reset` for
// suites written against moto) that exists only when the server was started with --allow-reset
// (on loopback only); otherwise it answers 403 and changes nothing. A request a browser could send
// across origins never resets.
import type { HttpRequest, HttpResponse } from './http-message.js'
import { headerValue, jsonResponse } from './http-message.js'

export interface AdminHooks {
  /** Wipes all state and bootstraps again; absent unless resets were allowed. */
  reset?: (() => Promise<void>) | undefined
  /** Extra fields for the health answer, e.g. the version. */
  health?: (() => Record<string, unknown>) | undefined
  /** Whether to take requests now, with fields saying why not; ready when absent. */
  ready?: (() => { ready: boolean; fields: Record<string, unknown> }) | undefined
}

const HEALTH = '/_rolegate/health'
const READY = '/_rolegate/ready'
const RESET_PATHS = new Set(['/_rolegate/reset', '/moto-api/reset'])

const withoutTrailingSlash = (path: string) =>
  path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path

/** True for the paths adminRoute answers; every other request is for the AWS API. */
export function isAdminPath(path: string): boolean {
  const trimmed = withoutTrailingSlash(path)
  return trimmed === HEALTH || RESET_PATHS.has(trimmed) || trimmed.startsWith('/_rolegate/')
}

/** The answer of an admin endpoint, or undefined when the request is for the AWS API. */
export async function adminRoute(
  request: HttpRequest,
  hooks: AdminHooks = {},
): Promise<HttpResponse | undefined> {
  if (!isAdminPath(request.path)) return undefined
  const path = withoutTrailingSlash(request.path)
  if (path === HEALTH) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET')
    return jsonResponse(200, { status: 'ok', ...hooks.health?.() })
  }
  if (path === READY) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET')
    const answer = hooks.ready?.() ?? { ready: true, fields: {} }
    return answer.ready
      ? jsonResponse(200, { status: 'ready', ...answer.fields })
      : jsonResponse(503, { status: 'not-ready', ...answer.fields })
  }
  if (RESET_PATHS.has(path)) {
    if (request.method !== 'POST') return methodNotAllowed('POST')
    if (!hooks.reset) {
      return jsonResponse(403, {
        error: 'ResetDisabled',
        message:
          'Resetting state is disabled; start rolegate serve with --allow-reset to enable it.',
      })
    }
    // Any web page the browser shows could POST here (the server listens on loopback, but the
    // browser is on loopback too); browsers mark such requests, test suites do not.
    if (fromBrowser(request)) {
      return jsonResponse(403, {
        error: 'ResetFromBrowser',
        message:
          'Resetting state is refused for requests with an Origin or Sec-Fetch-Site header, ' +
          'which a browser sends.',
      })
    }
    await hooks.reset()
    return jsonResponse(200, { status: 'reset' })
  }
  if (path.startsWith('/_rolegate/')) {
    return jsonResponse(404, { error: 'NotFound', message: `No such endpoint: ${path}` })
  }
  return undefined
}

const fromBrowser = (request: HttpRequest) =>
  headerValue(request, 'origin') !== undefined ||
  headerValue(request, 'sec-fetch-site') !== undefined

function methodNotAllowed(allowed: string): HttpResponse {
  const response = jsonResponse(405, { error: 'MethodNotAllowed', message: `Use ${allowed}.` })
  response.headers['allow'] = allowed
  return response
}
