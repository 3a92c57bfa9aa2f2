// Wires STS over the store: the keyring, the session credential resolver, the operations, the
// web identity verifier (IAM OIDC providers from the store; keys from built-in issuers in process,
// else discovery and JWKS over HTTPS) and the sealing of authorization messages.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { createHash } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import type { IdSource } from '../core/ids.js'
import type { AuthorizationDetails, AwsError } from '../core/errors.js'
import { invalidClientTokenId } from '../credentials/credential-resolver.js'
import type { UsageNotes } from '../credentials/usage-recorder.js'
import { JwksCache, createHttpsFetch, verifyWebIdentityToken } from '../federation/oidc/index.js'
import type {
  FetchLike,
  LookupProvider,
  OidcProvider,
  ResolveKeys,
  TlsThumbprint,
  VerificationKey,
} from '../federation/oidc/index.js'
import { verifySamlAssertion } from '../federation/saml/index.js'
import type { LookupSamlProvider, SamlProvider } from '../federation/saml/index.js'
import { PolicyCache } from '../policy/index.js'
import type { Store } from '../store/ports.js'
import { AuthorizationMessages } from './authorization-message.js'
import { GenerationCache } from './generation-cache.js'
import { SessionKeyring } from './keyring.js'
import type { SamlReplayRecord, VerifySaml, VerifyWebIdentity } from './operation.js'
import type { Authorizer } from '../authorization/authorizer.js'
import { stsOperations } from './operations.js'
import { StoredRoles } from './role-arn.js'
import { StsService } from './service.js'
import { SessionCredentialResolver } from './session-resolver.js'

/**
 * The signing keys of a built-in issuer, answered in process with no HTTP round trip; undefined
 * when `issuerUrl` is not one of ours.
 */
export type BuiltInKeys = (
  issuerUrl: string,
  kid: string | undefined,
) => Promise<readonly VerificationKey[] | undefined>

export interface StsOptions {
  store: Store
  authorizer: Authorizer
  clock: Clock
  /** Randomness for session credentials and sealed boxes. */
  ids: IdSource
  /** Extra CA certificates (PEM) trusted for external issuers' discovery and JWKS. */
  caBundle?: string | readonly string[] | undefined
  /** Accept `http://` issuers on loopback (development only; the caller logs the warning). */
  allowHttpIssuers?: boolean | undefined
  builtInKeys?: BuiltInKeys | undefined
  /** The network for external issuers; node:https with the CA bundle unless given (tests). */
  fetch?: { fetch: FetchLike; tlsThumbprint?: TlsThumbprint } | undefined
  /** Notes each role assumed, for RoleLastUsed. */
  usage?: Pick<UsageNotes, 'noteRole'> | undefined
  /** AssumeRoleWithSAML's service-provider side. */
  saml?: SamlServiceProvider | undefined
}

/** What this server is as a SAML service provider. */
export interface SamlServiceProvider {
  /**
   * The SAML endpoints a response may be addressed to (Destination, Recipient): AWS's sign-in
   * endpoint, PUBLIC_URL/saml and any more configured; read per call, as the public URL is known
   * only once the server listens.
   */
  endpoints: () => readonly string[]
  /** The audiences (SP entity ids) a response may be restricted to. */
  audiences: readonly string[]
  /** Accept RSA-SHA1 signatures and SHA-1 digests (`--allow-saml-sha1`). */
  allowSha1: boolean
}

/** AWS's SAML endpoint and SP entity id, which IdPs set up for AWS already send. */
export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml'
export const AWS_SAML_AUDIENCES = ['urn:amazon:webservices', AWS_SAML_ENDPOINT] as const

const DEFAULT_SAML: SamlServiceProvider = {
  endpoints: () => [AWS_SAML_ENDPOINT],
  audiences: AWS_SAML_AUDIENCES,
  allowSha1: false,
}

export interface Sts {
  /** The `sts` Query service (also answers unsigned AssumeRoleWithWebIdentity and JSON). */
  service: StsService
  /** Resolves ASIA keys with X-Amz-Security-Token; goes after the long-term key resolver. */
  resolver: SessionCredentialResolver
  keyring: SessionKeyring
  messages: AuthorizationMessages
  /** The encoded authorization message for an AccessDenied (the http layer's hook). */
  authorizationMessage(
    error: AwsError,
    request: { caller: Caller | undefined; action: string | undefined },
  ): Promise<string | undefined>
  /** Makes sure a sealing key exists (bootstrap). */
  bootstrap(): Promise<void>
  /**
   * AssumeRoleWithSAML's verification of a response against a provider, and nothing after it (no
   * Role pair, trust policy or replay record): what the /saml page offers a chooser from.
   */
  verifySaml: VerifySaml
}

/**
 * IAM OIDC providers from the store, as the verifier looks them up: kept in memory until the
 * store's generation moves, so a deleted or edited provider counts from the next request.
 */
export function storeProviders(store: Store): LookupProvider {
  const cache = new GenerationCache<OidcProvider | undefined>(store)
  return (accountId, hostPath) => {
    const arn = `arn:aws:iam::${accountId}:oidc-provider/${hostPath}`
    return cache.get(arn, async () => {
      const record = await store.read((repo) => repo.oidcProviders.get(arn))
      if (!record) return undefined
      return Object.freeze({
        url: record.url,
        arn: record.arn,
        clientIds: Object.freeze([...record.clientIds]),
        thumbprints: Object.freeze([...record.thumbprints]),
      })
    })
  }
}

/**
 * IAM SAML providers from the store, by ARN: kept until the store's generation moves, so
 * UpdateSAMLProvider's new certificates count from the next request. An ARN that differs only in
 * the case of the name finds the provider, as IAM's own lookups do.
 */
export function storeSamlProviders(store: Store): LookupSamlProvider {
  const cache = new GenerationCache<SamlProvider | undefined>(store)
  return (arn) =>
    cache.get(arn, async () => {
      const account = /^arn:[\w-]+:iam::(\d{12}):saml-provider\/(.+)$/.exec(arn)
      if (account === null) return undefined
      const [, accountId, name] = account as unknown as [string, string, string]
      const record = await store.read(
        async (repo) =>
          (await repo.samlProviders.get(arn)) ??
          (await repo.samlProviders.list(accountId)).find(
            (candidate) => candidate.name.toLowerCase() === name.toLowerCase(),
          ),
      )
      if (!record) return undefined
      return Object.freeze({
        arn: record.arn,
        accountId: record.accountId,
        name: record.name,
        entityId: record.entityId,
        certificates: Object.freeze([...record.certificates]),
        validUntil: record.validUntil,
      })
    })
}

/** Expired records linger this long, for replicas whose clocks run behind. */
const PRUNE_GRACE_MS = 10 * 60_000
const PRUNE_EVERY_MS = 60_000

/** Accepted assertions in the store, keyed by a hash of issuer and ID; pruned once a minute. */
export function storeSamlReplayRecord(store: Store): SamlReplayRecord {
  let prunedAt = 0
  return {
    claim(assertion, now) {
      const key = createHash('sha256')
        .update(`${assertion.issuer}\n${assertion.assertionId}`)
        .digest('hex')
      const prune = now.getTime() - prunedAt >= PRUNE_EVERY_MS
      if (prune) prunedAt = now.getTime()
      return store.transaction(async (repo) => {
        if (prune) await repo.samlAssertions.prune(new Date(now.getTime() - PRUNE_GRACE_MS))
        return repo.samlAssertions.claim({ key, expiresAt: assertion.acceptedUntil })
      })
    },
  }
}

export function composeSts(options: StsOptions): Sts {
  const { store, clock, ids } = options
  const keyring = new SessionKeyring(store, clock)
  const messages = new AuthorizationMessages(keyring, ids)
  const network =
    options.fetch ??
    createHttpsFetch(options.caBundle === undefined ? {} : { ca: options.caBundle })
  const jwks = new JwksCache({
    fetch: network.fetch,
    clock,
    ...(network.tlsThumbprint ? { tlsThumbprint: network.tlsThumbprint } : {}),
    ...(options.allowHttpIssuers === true ? { allowHttpIssuers: true } : {}),
  })
  const builtIn = options.builtInKeys
  const resolveKeys: ResolveKeys = async (issuer, kid, provider) =>
    (await builtIn?.(issuer, kid)) ?? jwks.resolveKeys(issuer, kid, provider)
  const lookupProvider = storeProviders(store)
  const verifyWebIdentity: VerifyWebIdentity = (token, accountId) =>
    verifyWebIdentityToken(token, {
      accountId,
      lookupProvider,
      resolveKeys,
      clock,
      ...(options.allowHttpIssuers === true ? { allowHttpIssuers: true } : {}),
    })
  const saml = options.saml ?? DEFAULT_SAML
  const lookupSamlProvider = storeSamlProviders(store)
  const verifySaml: VerifySaml = (samlAssertion, principalArn, request) =>
    verifySamlAssertion(samlAssertion, {
      principalArn,
      lookupProvider: lookupSamlProvider,
      now: request.now,
      recipients: saml.endpoints(),
      audiences: saml.audiences,
      allowSha1: saml.allowSha1,
      requestId: request.requestId,
    })
  const service = new StsService(
    {
      store,
      roles: new StoredRoles(store),
      keyring,
      authorizer: options.authorizer,
      messages,
      verifyWebIdentity,
      verifySaml,
      samlAssertions: storeSamlReplayRecord(store),
      policies: new PolicyCache({ limit: 2000 }),
      clock,
      ids,
      usage: options.usage,
    },
    stsOperations,
  )
  return {
    service,
    resolver: new SessionCredentialResolver(keyring, clock),
    keyring,
    messages,
    async authorizationMessage(error, request) {
      const details: AuthorizationDetails = error.authorization ?? {
        principal: request.caller
          ? { id: request.caller.userId, name: request.caller.name, arn: request.caller.arn }
          : { id: '', name: '', arn: '' },
        action: request.action ?? '',
        resource: '*',
      }
      return messages.encode(details, error.message, request.caller?.accountId)
    },
    bootstrap: () => keyring.ensureKey(),
    verifySaml,
  }
}

interface QueryCallable {
  call(
    caller: Caller,
    action: string,
    params: Params,
    request: RequestInfo,
  ): Promise<ResultObject | undefined>
}

/**
 * IAM as the credentials of GetSessionToken and GetFederationToken see it: refused as an invalid
 * token, the way AWS answers IAM calls made with GetSessionToken's unless the session was signed in
 * with MFA ("Cannot call IAM API operations unless MFA information is included with the request",
 * Compare AWS STS credentials). Federated users may call no IAM operation at all (API Reference,
 * GetFederationToken, "Permissions"); AWS's words for that are not on record, and these are.
 */
export function refuseUserSessions<S extends QueryCallable>(service: S): S {
  return {
    ...service,
    call: (caller: Caller, action: string, params: Params, request: RequestInfo) =>
      (caller.session?.obtainedBy === 'GetSessionToken' &&
        caller.session.mfaAuthenticatedAt === undefined) ||
      caller.session?.obtainedBy === 'GetFederationToken'
        ? Promise.reject(invalidClientTokenId())
        : service.call(caller, action, params, request),
  }
}
