// The socket-free server: one HttpRequest in, one HttpResponse out. A request travels
// decode -> route -> authenticate (SigV4) -> service operation -> encode, and nothing flows back.
import type { Logger } from 'pino'
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Clock } from '../core/clock.js'
import { AwsError, isAwsError } from '../core/errors.js'
import type { IdSource } from '../core/ids.js'
import type { Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { CredentialResolver } from '../credentials/credential-resolver.js'
import type { UsageNotes } from '../credentials/usage-recorder.js'
import type { Sigv4Crypto } from '../sigv4/crypto.js'
import { adminRoute, isAdminPath } from './admin-routes.js'
import type { AdminHooks } from './admin-routes.js'
import { isIssuerPath, issuerRoute } from './issuer-routes.js'
import type { IssuerDocuments } from './issuer-routes.js'
import { idpRoute, isIdpPath } from './idp-routes.js'
import type { IdpPages } from './idp-routes.js'
import { isSamlPath, samlRoute } from './saml-routes.js'
import type { SamlSignInPage } from './saml-routes.js'
import { clusterRoute, isClusterPath } from './cluster-routes.js'
import type { ClusterEndpoints } from './cluster-routes.js'
import { SigningKeyCache } from '../sigv4/signing-key.js'
import type { PrecheckedSignature } from '../sigv4/verify-signature.js'
import { authenticate, readSignature } from './authenticate.js'
import type { HttpRequest, HttpResponse } from './http-message.js'
import { headerValue } from './http-message.js'
import { decodeQueryParams } from './query-decoding.js'
import type { QueryService } from './query-service.js'
import { IAM_NAMESPACE } from './query-service.js'
import type { ResponseEncoder } from './response-encoder.js'
import { jsonEncoder } from './json-encoder.js'
import { xmlEncoder } from './xml.js'

export interface AppDeps {
  /** Query services by SigV4 signing name: `iam`, later `sts`. */
  services: Readonly<Record<string, QueryService>>
  /** Tried in order for the access key that signed a request. */
  credentials: readonly CredentialResolver[]
  crypto: Sigv4Crypto
  clock: Clock
  ids: Pick<IdSource, 'requestId'>
  logger: Logger
  /** Notes the access key or role behind each authenticated request (GetAccessKeyLastUsed). */
  usage?: UsageNotes | undefined
  /** The region for calls that carry no credential scope (STS's unsigned web identity action). */
  defaultRegion: string
  admin?: AdminHooks
  /** The built-in OIDC issuers' discovery documents and JWKS, served unsigned. */
  issuers?: IssuerDocuments
  /** The built-in SAML IdP's metadata and sign-in pages, under /idp/. */
  idp?: IdpPages
  /** The SAML endpoint for browsers, /saml: a response posted there becomes credentials. */
  saml?: SamlSignInPage
  /** Clusters' webhooks and Kubernetes API faces at `/clusters/NAME/...`. */
  clusters?: ClusterEndpoints
  /**
   * The encoded authorization message an AccessDenied carries (sealed, for
   * sts:DecodeAuthorizationMessage); undefined leaves it out.
   */
  authorizationMessage?: (
    error: AwsError,
    request: { caller: Caller | undefined; action: string | undefined },
  ) => Promise<string | undefined>
}

export interface App {
  handle(request: HttpRequest): Promise<HttpResponse>
}

/** What AWS says when it fails in a way it will not explain. */
export const INTERNAL_FAILURE_MESSAGE =
  'The request processing has failed because of an unknown error, exception or failure.'

/** The Query Version a request named, or the stand-in AWS prints when it named none. */
const versionOf = (params: Params) => params['Version'] ?? 'NO_VERSION_SPECIFIED'

interface Route {
  service: QueryService | undefined
  /** The namespace errors are written in, even when no service was found. */
  namespace: string
}

/** Signed requests go to the service their credential scope names; unsigned ones by Version. */
function route(
  services: AppDeps['services'],
  signature: PrecheckedSignature | undefined,
  params: Params,
): Route {
  const service = signature
    ? services[signature.parsed.scope.service]
    : Object.values(services).find((candidate) => candidate.version === params['Version'])
  return { service, namespace: service?.namespace ?? IAM_NAMESPACE }
}

/** The action to run, or AWS's refusal when there is none or the service does not offer it. */
function resolveAction(
  service: QueryService | undefined,
  params: Params,
): { service: QueryService; action: string } {
  const action = params['Action']
  if (action === undefined || action === '') throw new AwsError('MissingAction', 'Missing Action')
  if (!service || service.version !== params['Version'] || !service.has(action)) {
    throw new AwsError(
      'InvalidAction',
      `Could not find operation ${action} for version ${versionOf(params)}`,
    )
  }
  return { service, action }
}

/** The facts about the request that feed the policy context. */
const requestInfo = (
  request: HttpRequest,
  requestId: string,
  region: string,
  now: Date,
): RequestInfo => ({
  requestId,
  region,
  sourceIp: request.sourceIp,
  userAgent: headerValue(request, 'user-agent') ?? '',
  secureTransport: request.secure,
  now,
})

export function createApp(deps: AppDeps): App {
  const authentication = {
    credentials: deps.credentials,
    crypto: deps.crypto,
    keyCache: new SigningKeyCache(deps.crypto, 1000),
    logger: deps.logger,
    usage: deps.usage,
  }
  // JSON only for a service that speaks it (STS), named by Version so even a request that fails
  // before routing answers in the format asked for.
  const encoderFor = (request: HttpRequest, params: Params): ResponseEncoder => {
    const accept = headerValue(request, 'accept')?.toLowerCase() ?? ''
    if (!accept.includes('application/json')) return xmlEncoder
    const json = Object.values(deps.services).some(
      (service) => service.speaksJson === true && service.version === params['Version'],
    )
    return json ? jsonEncoder : xmlEncoder
  }

  /** The sealed decision for an AccessDenied; a failure to seal must not hide the denial. */
  async function encodedMessage(
    error: AwsError,
    caller: Caller | undefined,
    action: string | undefined,
    requestId: string,
  ): Promise<string | undefined> {
    if (error.code !== 'AccessDenied' || !deps.authorizationMessage) return undefined
    try {
      return await deps.authorizationMessage(error, { caller, action })
    } catch (cause) {
      deps.logger.error({ err: cause, requestId }, 'could not encode the authorization message')
      return undefined
    }
  }

  async function handleQuery(request: HttpRequest, requestId: string): Promise<HttpResponse> {
    const started = performance.now()
    const now = deps.clock.now()
    const params = decodeQueryParams(request)
    const encoder = encoderFor(request, params)
    let namespace = IAM_NAMESPACE
    let action: string | undefined = params['Action']
    let caller: Caller | undefined
    let internalErrorCode: QueryService['internalErrorCode'] = 'InternalFailure'
    let response: HttpResponse
    let failure: AwsError | undefined
    try {
      const signature = readSignature(request, now)
      const target = route(deps.services, signature, params)
      namespace = target.namespace
      if (target.service) internalErrorCode = target.service.internalErrorCode
      const resolved = resolveAction(target.service, params)
      const service = resolved.service
      action = resolved.action
      let result: ResultObject | undefined
      if (!signature && service.callUnsigned && service.acceptsUnsigned?.(action) === true) {
        const info = requestInfo(request, requestId, deps.defaultRegion, now)
        result = await service.callUnsigned(action, params, info)
      } else {
        const authenticated = await authenticate(request, signature, now, authentication)
        caller = authenticated.caller
        const info = requestInfo(request, requestId, authenticated.region, now)
        result = await service.call(caller, action, params, info)
      }
      response = encoder.success(action, result, { requestId, namespace })
    } catch (error) {
      if (isAwsError(error)) {
        failure = error
      } else {
        deps.logger.error({ err: error, requestId, action }, 'unexpected failure')
        failure = new AwsError(internalErrorCode, INTERNAL_FAILURE_MESSAGE, {
          status: 500,
          type: 'Receiver',
        })
      }
      const encodedAuthorizationMessage = await encodedMessage(failure, caller, action, requestId)
      response = encoder.failure(failure, {
        requestId,
        namespace,
        ...(encodedAuthorizationMessage === undefined ? {} : { encodedAuthorizationMessage }),
      })
    }
    // The line is built only when it will be written: the bench and quiet servers log nothing.
    if (deps.logger.isLevelEnabled('info')) {
      deps.logger.info(
        {
          requestId,
          action,
          principal: caller?.arn,
          status: response.status,
          error: failure?.code,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      )
    }
    return response
  }

  async function handleOther(request: HttpRequest, requestId: string): Promise<HttpResponse> {
    const admin = await adminRoute(request, deps.admin)
    if (admin) {
      deps.logger.info({ requestId, path: request.path, status: admin.status }, 'admin request')
      return admin
    }
    const idp = await idpRoute(request, deps.idp, deps.logger, requestId)
    if (idp) {
      deps.logger.info({ requestId, path: request.path, status: idp.status }, 'idp request')
      return idp
    }
    const saml = await samlRoute(request, deps.saml, deps.logger, requestId)
    if (saml) {
      deps.logger.info({ requestId, path: request.path, status: saml.status }, 'saml request')
      return saml
    }
    const document = await issuerRoute(request, deps.issuers)
    if (document) return document
    const cluster = await clusterRoute(request, deps.clusters)
    return cluster ?? handleQuery(request, requestId)
  }

  return {
    handle(request) {
      const requestId = deps.ids.requestId()
      // The AWS API goes straight on; only the paths of rolegate's own endpoints wait for a router.
      if (
        isAdminPath(request.path) ||
        isIssuerPath(request.path) ||
        isIdpPath(request.path) ||
        isSamlPath(request.path) ||
        isClusterPath(request.path)
      ) {
        return handleOther(request, requestId)
      }
      return handleQuery(request, requestId)
    },
  }
}
