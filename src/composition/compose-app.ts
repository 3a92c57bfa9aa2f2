// Bootstraps the store and wires the services and the socket-free app over it.
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { systemClock } from '../core/clock.js'
import type { IdSource } from '../core/ids.js'
import { randomIds } from '../core/ids.js'
import { nodeCrypto } from '../core/node-crypto.js'
import { createApp } from '../http/app.js'
import type { App } from '../http/app.js'
import { iamQueryService } from '../http/query-service.js'
import { IamAuthorizer } from '../iam/authorize.js'
import { bootstrap } from '../iam/bootstrap.js'
import type { AdminKey } from '../iam/bootstrap.js'
import { iamOperations } from '../iam/operations.js'
import { IamService } from '../iam/service.js'
import type { Store } from '../store/ports.js'
import { AccessKeyResolver } from '../credentials/access-key-resolver.js'
import { UsageRecorder } from '../credentials/usage-recorder.js'
import { AdminService } from '../admin-api/service.js'
import { adminOperations } from '../admin-api/operations.js'
import { BuiltInIssuers } from '../federation/issuer/index.js'
import { idpAppOperations } from '../admin-api/idp-app.js'
import { IdentityProvider } from '../idp/identity-provider.js'
import { IdpPages } from '../idp/web/idp-pages.js'
import { SamlSignIn } from '../idp/web/saml-sign-in.js'
import { loopbackQuery } from '../http/loopback-query.js'
import { ClusterSnapshots } from '../kubernetes/cluster-snapshots.js'
import {
  AWS_SAML_AUDIENCES,
  AWS_SAML_ENDPOINT,
  composeSts,
  refuseUserSessions,
} from '../sts/compose.js'
import type { BuiltInKeys } from '../sts/compose.js'
import { TokenVerifier } from '../kubernetes/authenticator/index.js'
import { composeClusterApi } from '../kubernetes/api/compose.js'
import { DEFAULT_PORT } from './config.js'

/** The public URL's host, as a client would send it; before the socket listens there is none. */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'localhost'
  }
}

export const defaultLogger = (quiet = false): Logger =>
  pino({ level: quiet ? 'silent' : 'info', base: null }, pino.destination(2))

export interface ComposeOptions {
  store: Store
  accountId: string
  region: string
  /** The admin key to bootstrap with; one is generated when absent and the admin has none. */
  adminKey?: AdminKey | undefined
  allowReset: boolean
  logger: Logger
  clock?: Clock | undefined
  ids?: IdSource | undefined
  /** Extra CA certificates (PEM) trusted when fetching external OIDC issuers' keys. */
  caBundle?: string | readonly string[] | undefined
  /** Accept plain-http OIDC issuers on loopback (development only; logged as insecure). */
  allowHttpIssuers?: boolean | undefined
  /** Keys of built-in OIDC issuers, answered in process before any HTTP fetch. */
  builtInKeys?: BuiltInKeys | undefined
  /** The public URL built-in issuers live under; known once the socket listens, hence a function. */
  publicUrl?: (() => string) | undefined
  /** How often recorded use of keys and roles is written; the recorder's default unless given. */
  usageFlushMs?: number | undefined
  /** Accept SHA-1 in SAML responses (logged as insecure). */
  allowSamlSha1?: boolean | undefined
  /** SAML endpoints besides AWS's and PUBLIC_URL/saml. */
  samlEndpoints?: readonly string[] | undefined
  /** SP entity ids besides AWS's. */
  samlEntityIds?: readonly string[] | undefined
}

export interface Composed {
  app: App
  /** The admin key in force (kept across resets). */
  adminKey: AdminKey
  /** True when bootstrap generated the key on this start. */
  generated: boolean
  /** Close it before the store, so the last uses noted are written. */
  usage: UsageRecorder
  /** EKS tokens (`aws eks get-token`) verified against this server's STS, in process. */
  eksTokens: TokenVerifier
}

/** Bootstraps the store and wires services and the socket-free app over it. */
export async function composeApp(options: ComposeOptions): Promise<Composed> {
  const { store, logger } = options
  const clock = options.clock ?? systemClock
  const ids = options.ids ?? randomIds
  const boot = await bootstrap(store, {
    accountId: options.accountId,
    adminKey: options.adminKey,
    ids,
    now: clock.now(),
  })
  const adminKey = boot.adminKey
  const usage = new UsageRecorder({
    store,
    logger,
    ...(options.usageFlushMs === undefined ? {} : { intervalMs: options.usageFlushMs }),
  })
  const authorizer = new IamAuthorizer(store)
  const iam = new IamService(store, authorizer, ids, iamOperations)
  const publicUrl = options.publicUrl ?? (() => `http://127.0.0.1:${DEFAULT_PORT}`)
  const issuers = new BuiltInIssuers({ store, clock, publicUrl })
  const clusters = new ClusterSnapshots(store)
  // The IdP's app and the /saml page call IAM and STS through the HTTP app, which is made last:
  // it is looked up per call.
  const made: { app?: App } = {}
  const loopback = loopbackQuery({
    app: () => {
      if (!made.app) throw new Error('the HTTP app is not made yet')
      return made.app
    },
    clock,
    region: options.region,
    host: () => hostOf(publicUrl()),
  })
  const idp = new IdentityProvider({ store, clock, ids, publicUrl, api: loopback })
  const rolegate = new AdminService(
    store,
    authorizer,
    { primaryAccountId: options.accountId, issuers, ids, clusters },
    [...adminOperations, ...idpAppOperations(idp)],
  )
  const sts = composeSts({
    store,
    authorizer,
    clock,
    ids,
    caBundle: options.caBundle,
    allowHttpIssuers: options.allowHttpIssuers,
    builtInKeys: options.builtInKeys ?? issuers.keys,
    usage,
    saml: {
      endpoints: () => [AWS_SAML_ENDPOINT, `${publicUrl()}/saml`, ...(options.samlEndpoints ?? [])],
      audiences: [...AWS_SAML_AUDIENCES, ...(options.samlEntityIds ?? [])],
      allowSha1: options.allowSamlSha1 === true,
    },
  })
  await sts.bootstrap()
  if (options.allowSamlSha1 === true) {
    logger.warn('--allow-saml-sha1: SAML responses signed with SHA-1 are accepted (insecure)')
  }
  if (options.allowHttpIssuers === true) {
    logger.warn('--allow-http-issuers: plain-http OIDC issuers on loopback are trusted (insecure)')
  }
  const reset = async () => {
    await store.wipe()
    await bootstrap(store, { accountId: options.accountId, adminKey, ids, now: clock.now() })
    await sts.bootstrap()
    logger.warn('state wiped and bootstrapped again')
  }
  const credentials = [new AccessKeyResolver(store), sts.resolver]
  // A token may name only this server's own STS endpoint: its public URL.
  const eksTokens = new TokenVerifier({
    credentials,
    crypto: nodeCrypto,
    clock,
    stsEndpoints: () => [publicUrl()],
    usage,
  })
  // rolegate's /saml: the chooser offers only pairs of a response STS's own verification accepts,
  // and the sign-in is the real AssumeRoleWithSAML, called as a client would call it.
  const samlSignIn = new SamlSignIn({
    sts: (action, params, origin, key) => loopback(key, 'sts', action, params, origin),
    verify: async (samlResponse, providerArn) => {
      const identity = await sts.verifySaml(samlResponse, providerArn, {
        requestId: ids.requestId(),
        now: clock.now(),
      })
      return identity.roles.filter((pair) => pair.providerArn === identity.provider.arn)
    },
    accountAlias: async (accountId) =>
      (await store.read((repo) => repo.accounts.listAliases(accountId)))[0],
    publicUrl,
    random: (size) => ids.randomBytes(size),
  })
  const clusterApi = composeClusterApi({
    store,
    snapshots: clusters,
    issuers,
    tokens: eksTokens,
    clock,
    ids,
    logger,
  })
  const served = createApp({
    services: { iam: refuseUserSessions(iamQueryService(iam)), sts: sts.service, rolegate },
    issuers,
    idp: new IdpPages(idp),
    saml: samlSignIn,
    clusters: clusterApi,
    credentials,
    usage,
    authorizationMessage: (error, request) => sts.authorizationMessage(error, request),
    crypto: nodeCrypto,
    clock,
    ids,
    logger,
    defaultRegion: options.region,
    admin: {
      reset: options.allowReset ? reset : undefined,
      health: () => ({ accountId: options.accountId, freshness: store.freshness() }),
      // A replica that cannot hear the others' writes reads every request through to the
      // database: correct, but slower, so a load balancer may drain it until it hears again.
      ready: () => {
        const freshness = store.freshness()
        return { ready: freshness.notifications !== 'deaf', fields: { freshness } }
      },
    },
  })
  // Another process on the same database (a --workers sibling, a replica) may have written since
  // the last request: caches must not answer from before that.
  made.app = served
  const app: App = {
    handle(request) {
      store.noticeOtherWriters()
      return served.handle(request)
    },
  }
  return { app, adminKey, generated: boot.generated, usage, eksTokens }
}
