// A cluster's HTTP face at PUBLIC_URL/clusters/NAME: the webhooks a kube-apiserver calls
// (`authenticate`, `authorize`), answered only to the bearer of the cluster's webhook token, and,
// under `k8s`, a Kubernetes API enough for kubectl. Each request reads one snapshot of the
// cluster, authenticates its bearer token, asks RBAC, then answers.
import type { Logger } from 'pino'
import type { Clock } from '../../core/clock.js'
import type { ClusterSnapshot, RequestAttributes, UserInfo } from '../objects.js'
import {
  Discovery,
  AGGREGATED_V2,
  acceptsPlainJson,
  parseAccept,
  wantsAggregated,
  wantsTable,
} from './discovery.js'
import { FieldTypeError, Fields, mediaType, parseJson, readBody } from './json-input.js'
import type { JsonObject } from './json-input.js'
import { answerResource } from './objects-endpoint.js'
import { ImpersonationError, readImpersonation } from './impersonation.js'
import { OpenApiV3 } from './openapi.js'
import type {
  ApiRequest,
  ApiResponse,
  ClusterAuthorizer,
  ClusterDirectory,
  ClusterObjectWriter,
  PodIdentityMutation,
  ServiceAccountTokens,
  TokenAuthenticator,
} from './ports.js'
import { ProtobufCodec } from './protobuf.js'
import type { RequestInfo } from './request-info.js'
import { requestInfo } from './request-info.js'
import type { ServedResource } from './resources.js'
import { findResource } from './resources.js'
import type { ReviewContext } from './reviews.js'
import {
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  selfSubjectReview,
  subjectAccessReview,
  tokenReview,
} from './reviews.js'
import type { Status } from './status.js'
import {
  StatusError,
  badRequest,
  entityTooLarge,
  failure,
  internalError,
  isStatusError,
  methodNotAllowed,
  notAcceptable,
  pathNotFound,
  unauthorized,
} from './status.js'
import { answerTokenRequest } from './token-request.js'
import { answerWebhook } from './webhooks.js'

/** The apiserver's own request body limit (MaxRequestBodyBytes, 3 MB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024

export interface ClusterApiDeps {
  clusters: ClusterDirectory
  authenticator: TokenAuthenticator
  authorizer: ClusterAuthorizer
  writer: ClusterObjectWriter
  /** `POST /clusters/NAME/mutate`: the pod identity webhook; absent, the path is not served. */
  podIdentity?: PodIdentityMutation | undefined
  /** Service-account tokens for TokenRequest (`kubectl create token`); absent, not served. */
  tokens?: ServiceAccountTokens | undefined
  clock: Clock
  logger?: Logger | undefined
}

export interface ClusterApi {
  handle(request: ApiRequest): Promise<ApiResponse>
}

/** `/clusters/NAME/REST`: EKS cluster names, then what follows. */
const CLUSTER_PATH = /^\/clusters\/([0-9A-Za-z][0-9A-Za-z_-]{0,99})(?:\/(.*))?$/

const FIELD_VALIDATION = new Set(['Strict', 'Warn', 'Ignore'])

/** Every authenticated user is in this group; the apiserver adds it to whatever the token said. */
const AUTHENTICATED = 'system:authenticated'

const header = (request: ApiRequest, name: string): string | undefined => {
  for (const [key, value] of request.headers) if (key.toLowerCase() === name) return value
  return undefined
}

const json = (status: number, body: unknown, contentType = 'application/json'): ApiResponse => ({
  status,
  headers: { 'content-type': contentType, 'cache-control': 'no-cache, private' },
  body: JSON.stringify(body),
})

const statusResponse = (status: Status): ApiResponse => json(status.code, status)

/** The bearer token of an `Authorization: Bearer TOKEN` header. */
function bearerToken(request: ApiRequest): string | undefined {
  const value = header(request, 'authorization')
  if (value === undefined) return undefined
  const match = /^bearer\s+(\S+)\s*$/i.exec(value)
  return match?.[1]
}

const withAuthenticatedGroup = (user: UserInfo): UserInfo =>
  user.groups.includes(AUTHENTICATED) ? user : { ...user, groups: [...user.groups, AUTHENTICATED] }

function attributesOf(info: RequestInfo, user: UserInfo): RequestAttributes {
  if (!info.resourceRequest) {
    return { user, resourceRequest: false, verb: info.verb, path: info.path }
  }
  return {
    user,
    resourceRequest: true,
    verb: info.verb,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
  }
}

export function createClusterApi(deps: ClusterApiDeps): ClusterApi {
  const codec = new ProtobufCodec()
  const discovery = new Discovery()
  const openapi = new OpenApiV3()

  const reviewContext = (snapshot: ClusterSnapshot): ReviewContext => ({
    snapshot,
    authorizer: deps.authorizer,
    authenticator: deps.authenticator,
  })

  /** The review kinds through the API face; the caller is `user`. */
  async function review(
    snapshot: ClusterSnapshot,
    resource: ServedResource,
    namespace: string,
    body: JsonObject,
    user: UserInfo,
  ): Promise<ApiResponse> {
    const apiVersion = `${resource.group}/${resource.version}`
    const kind = new Fields(body, '').string('kind')
    const bodyVersion = new Fields(body, '').string('apiVersion')
    if (kind !== resource.kind || bodyVersion !== apiVersion) {
      throw new StatusError(
        badRequest(
          `the object provided is not a ${resource.kind} in ${apiVersion}: ${bodyVersion} ${kind}`,
        ),
      )
    }
    const fields = new Fields(body, kind)
    const context = reviewContext(snapshot)
    let answer: JsonObject
    switch (resource.kind) {
      case 'SelfSubjectReview':
        answer = selfSubjectReview(fields, apiVersion, user)
        break
      case 'TokenReview':
        answer = await tokenReview(fields, apiVersion, context)
        break
      case 'SelfSubjectAccessReview':
        answer = selfSubjectAccessReview(fields, apiVersion, user, context)
        break
      case 'SelfSubjectRulesReview':
        answer = selfSubjectRulesReview(fields, apiVersion, user, context)
        break
      case 'SubjectAccessReview':
        answer = subjectAccessReview(fields, 'SubjectAccessReview', apiVersion, context)
        break
      case 'LocalSubjectAccessReview':
        answer = subjectAccessReview(
          fields,
          'LocalSubjectAccessReview',
          apiVersion,
          context,
          namespace,
        )
        break
      default:
        throw new StatusError(methodNotAllowed())
    }
    return json(201, answer)
  }

  /** GET on discovery and health paths. */
  function nonResource(request: ApiRequest, path: string): ApiResponse {
    const segments = path.split('/').filter((segment) => segment !== '')
    const ranges = parseAccept(header(request, 'accept'))
    const aggregated = wantsAggregated(ranges)
    const discoveryAnswer = (document: object | undefined, isAggregated = false): ApiResponse => {
      if (document === undefined) return statusResponse(pathNotFound())
      if (!isAggregated && !acceptsPlainJson(ranges)) return statusResponse(notAcceptable())
      const response = json(200, document, isAggregated ? AGGREGATED_V2 : 'application/json')
      response.headers['vary'] = 'Accept'
      return response
    }
    if (['healthz', 'livez', 'readyz'].includes(segments[0] ?? '') && segments.length === 1) {
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' }
    }
    const [first, second, third] = segments
    if (first === 'openapi' && second === 'v3') {
      if (segments.length === 2) return json(200, JSON.parse(openapi.root()))
      const document = openapi.document(segments.slice(2).join('/'))
      if (!document) return statusResponse(pathNotFound())
      return {
        status: 200,
        headers: { 'content-type': 'application/json', etag: `"${document.hash}"` },
        body: document.body,
      }
    }
    if (first === 'version' && segments.length === 1) return discoveryAnswer(discovery.version())
    if (first === 'api') {
      if (segments.length === 1) {
        const host = header(request, 'host') ?? ''
        return discoveryAnswer(discovery.coreGroup(aggregated, host), aggregated)
      }
      if (segments.length === 2) return discoveryAnswer(discovery.resourceList('', second ?? ''))
    }
    if (first === 'apis') {
      if (segments.length === 1) return discoveryAnswer(discovery.groups(aggregated), aggregated)
      if (segments.length === 2) return discoveryAnswer(discovery.group(second ?? ''))
      if (segments.length === 3) {
        return discoveryAnswer(discovery.resourceList(second ?? '', third ?? ''))
      }
    }
    return statusResponse(pathNotFound())
  }

  /** The kubectl face: authenticate, authorise, answer. */
  async function face(
    snapshot: ClusterSnapshot,
    request: ApiRequest,
    apiPath: string,
    log: Record<string, unknown>,
  ): Promise<ApiResponse> {
    const token = bearerToken(request)
    if (token === undefined) {
      log['error'] = 'no bearer token'
      return statusResponse(unauthorized())
    }
    const authentication = await deps.authenticator.authenticate(snapshot, token)
    if (!authentication.authenticated) {
      log['error'] = authentication.error
      return statusResponse(unauthorized())
    }
    let user = withAuthenticatedGroup(authentication.user)
    log['user'] = user.username
    let impersonation
    try {
      impersonation = readImpersonation(request.headers, user)
    } catch (error) {
      if (error instanceof ImpersonationError) return statusResponse(badRequest(error.message))
      throw error
    }
    if (impersonation) {
      for (const check of impersonation.checks) {
        const allowed = deps.authorizer.authorize(snapshot, check)
        if (!allowed.allowed) return statusResponse(deps.authorizer.forbidden(check, allowed))
      }
      user = impersonation.user
      log['as'] = user.username
    }
    const info = requestInfo(request.method, apiPath, new URLSearchParams(request.query))
    if (info === undefined)
      return statusResponse(
        badRequest(`unable to determine kind and namespace from url ${apiPath}`),
      )
    const attributes = attributesOf(info, user)
    const decision = deps.authorizer.authorize(snapshot, attributes)
    if (!decision.allowed) return statusResponse(deps.authorizer.forbidden(attributes, decision))
    if (!info.resourceRequest) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return statusResponse(methodNotAllowed())
      }
      return nonResource(request, info.path)
    }
    const resource = findResource(info.apiGroup, info.apiVersion, info.resource)
    if (
      !resource ||
      (!resource.namespaced && info.namespace !== '' && info.resource !== 'namespaces')
    ) {
      return statusResponse(pathNotFound())
    }
    if (resource.namespaced && info.namespace === '' && info.name !== '') {
      return statusResponse(pathNotFound())
    }
    const contentType = mediaType(header(request, 'content-type'))
    const ranges = parseAccept(header(request, 'accept'))
    if (!acceptsPlainJson(ranges) && !wantsTable(ranges)) return statusResponse(notAcceptable())
    if (
      resource.resource === 'serviceaccounts' &&
      info.subresource === 'token' &&
      deps.tokens !== undefined
    ) {
      if (info.verb !== 'create') return statusResponse(methodNotAllowed())
      const body = readBody(request.body, contentType, codec)
      return json(
        201,
        await answerTokenRequest(snapshot, info.namespace, info.name, body, deps.tokens),
      )
    }
    if (resource.serving.by === 'review') {
      if (info.verb !== 'create') return statusResponse(methodNotAllowed())
      return review(
        snapshot,
        resource,
        info.namespace,
        readBody(request.body, contentType, codec),
        user,
      )
    }
    const query = new URLSearchParams(request.query)
    if (query.has('dryRun')) {
      return statusResponse(badRequest('rolegate does not support dryRun: nothing was changed'))
    }
    const fieldValidation = query.get('fieldValidation') ?? 'Warn'
    if (!FIELD_VALIDATION.has(fieldValidation)) {
      return statusResponse(
        badRequest(
          `fieldValidation must be one of "Ignore", "Warn" or "Strict", not ${JSON.stringify(fieldValidation)}`,
        ),
      )
    }
    const warnings: string[] = []
    let parsed: JsonObject | undefined
    const answer = await answerResource(
      {
        snapshot,
        objects: deps.authorizer.objectsOf?.(snapshot) ?? snapshot.objects,
        resource,
        verb: info.verb,
        namespace: resource.namespaced ? info.namespace : '',
        name: info.name,
        subresource: info.subresource,
        body: () => (parsed ??= readBody(request.body, contentType, codec)),
        rawBody: () => parseJson(request.body),
        contentType,
        fieldValidation,
        warnings,
        asTable: wantsTable(ranges),
        now: deps.clock.now(),
      },
      deps.writer,
    )
    const response = json(answer.status, answer.body)
    if (warnings.length > 0) {
      response.headers['warning'] = warnings
        .map((warning) => `299 - ${JSON.stringify(warning)}`)
        .join(', ')
    }
    return response
  }

  /**
   * The cluster whose kube-apiserver is calling: the one of this name whose webhook token the
   * request bears, else undefined. Every path under a cluster but the kubectl face goes through
   * it first (the webhooks, and any added later), before anything of the cluster is read or said,
   * so a caller without the token learns nothing, not even whether the cluster exists.
   */
  async function webhookCaller(
    request: ApiRequest,
    name: string,
    log: Record<string, unknown>,
  ): Promise<ClusterSnapshot | undefined> {
    const token = bearerToken(request)
    const snapshot =
      token === undefined ? undefined : await deps.clusters.webhookCaller(name, token)
    if (snapshot === undefined) {
      log['error'] = token === undefined ? 'no webhook token' : 'not the webhook token'
    }
    return snapshot
  }

  /** The paths a kube-apiserver calls, once its webhook token named the cluster. */
  async function webhook(
    snapshot: ClusterSnapshot,
    request: ApiRequest,
    path: string,
    log: Record<string, unknown>,
  ): Promise<ApiResponse> {
    const name = path.replace(/\/$/, '')
    const podIdentity = name === 'mutate' ? deps.podIdentity : undefined
    const review = name === 'authenticate' || name === 'authorize' ? name : undefined
    if (review === undefined && podIdentity === undefined) return statusResponse(pathNotFound())
    log['webhook'] = name
    if (request.method !== 'POST') return statusResponse(methodNotAllowed())
    const body = readBody(request.body, header(request, 'content-type'), codec)
    if (review !== undefined) {
      return json(200, await answerWebhook(review, body, reviewContext(snapshot)))
    }
    const answer = podIdentity!.review(snapshot, body)
    return json(answer.status, answer.body)
  }

  async function route(request: ApiRequest, log: Record<string, unknown>): Promise<ApiResponse> {
    const match = CLUSTER_PATH.exec(request.path)
    if (!match) return statusResponse(pathNotFound())
    const name = match[1] ?? ''
    const rest = match[2] ?? ''
    log['cluster'] = name
    if (!request.secure) {
      return statusResponse(
        failure(403, 'Forbidden', 'rolegate serves clusters over HTTPS only: start it with --tls'),
      )
    }
    if (request.body.length > MAX_BODY_BYTES) return statusResponse(entityTooLarge(MAX_BODY_BYTES))
    if (rest === 'k8s' || rest.startsWith('k8s/')) {
      // kubectl's callers authenticate with EKS tokens, after the cluster is found.
      const snapshot = await deps.clusters.snapshot(name)
      if (!snapshot) {
        return statusResponse(
          failure(404, 'NotFound', `cluster "${name}" not found`, { name, kind: 'clusters' }),
        )
      }
      return face(snapshot, request, rest.slice('k8s'.length), log)
    }
    const caller = await webhookCaller(request, name, log)
    if (caller === undefined) return statusResponse(unauthorized())
    return webhook(caller, request, rest, log)
  }

  return {
    async handle(request) {
      const started = performance.now()
      const log: Record<string, unknown> = { method: request.method, path: request.path }
      let response: ApiResponse
      try {
        response = await route(request, log)
      } catch (error) {
        if (isStatusError(error)) {
          response = statusResponse(error.status)
        } else if (error instanceof FieldTypeError) {
          response = statusResponse(badRequest(error.message))
        } else {
          deps.logger?.error({ err: error, ...log }, 'cluster API failure')
          response = statusResponse(internalError())
        }
      }
      if (deps.logger?.isLevelEnabled('info') === true) {
        deps.logger.info(
          {
            ...log,
            status: response.status,
            ms: Math.round((performance.now() - started) * 10) / 10,
          },
          'cluster request',
        )
      }
      return response
    },
  }
}
