// Built-in OIDC issuers through the admin API: create, delete, describe, list, rotate the signing
// key and mint tokens. An issuer belongs to (and is governed by) one account, its name is unique
// within that account, and its URL names the account: other accounts never see or reach it.
import { AwsError, alreadyExists, noSuchEntity, validationError } from '../core/errors.js'
import type { Field } from '../core/input.js'
import {
  enumValue,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  stringList,
} from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import {
  DEFAULT_ISSUER_ALGORITHM,
  DEFAULT_TOKEN_TTL_SECONDS,
  DISCOVERY_SUFFIX,
  ISSUER_ALGORITHMS,
  ISSUER_NAME_MAX,
  ISSUER_NAME_PATTERN,
  JWKS_SUFFIX,
  MAX_TOKEN_TTL_SECONDS,
  RESERVED_CLAIMS,
  generateIssuerKey,
  isIssuerAlgorithm,
  isPublished,
  mintToken,
  planRotation,
  signingKey,
} from '../federation/issuer/index.js'
import type { IssuerAlgorithm, IssuerRef } from '../federation/issuer/index.js'
import type { CallFrame } from '../operation/define-operation.js'
import type { IssuerKeyRecord, IssuerRecord } from '../store/ports.js'
import type { AdminContext } from './operation.js'
import { defineAdminOperation, rolegateArn } from './operation.js'

const issuerName = () =>
  requiredString({ min: 1, max: ISSUER_NAME_MAX, pattern: ISSUER_NAME_PATTERN })
const algorithm = () => enumValue(ISSUER_ALGORITHMS)

const issuerArn = (accountId: string, name: string) => rolegateArn(accountId, `issuer/${name}`)

export const issuerNotFound = (name: string) =>
  noSuchEntity(`The issuer with name ${name} cannot be found.`)

/** The caller's account's issuer of that name; other accounts' issuers are never consulted. */
async function findIssuer(context: AdminContext, name: string): Promise<IssuerRecord> {
  const issuer = await context.repo.issuers.get(context.accountId, name)
  if (!issuer) throw issuerNotFound(name)
  return issuer
}

/**
 * Refuses to delete an issuer that IAM OIDC providers still trust, in any account: its tokens
 * would stop verifying for every role that trusts them. Providers of other accounts are counted,
 * never named.
 */
async function refuseWhileTrusted(context: AdminContext, issuer: IssuerRef): Promise<void> {
  const url = context.issuers.url(issuer).replace(/^https?:\/\//, '')
  // IAM keeps a provider's URL as it was registered, a trailing slash included.
  const providers = [
    ...(await context.repo.oidcProviders.listByUrl(url)),
    ...(await context.repo.oidcProviders.listByUrl(`${url}/`)),
  ]
  if (providers.length === 0) return
  const own = providers.filter((provider) => provider.accountId === context.accountId)
  const others = providers.length - own.length
  const named = own.map((provider) => provider.arn)
  if (others > 0) named.push(`${others} in other accounts`)
  throw new AwsError(
    'DeleteConflict',
    `Cannot delete issuer ${issuer.name}: IAM OpenID Connect providers still trust its URL (${named.join(', ')}). Delete them first, or delete with Force.`,
    { status: 409 },
  )
}

function renderIssuer(context: AdminContext, issuer: IssuerRecord): ResultObject {
  const url = context.issuers.url(issuer)
  return {
    IssuerName: issuer.name,
    Arn: issuerArn(issuer.accountId, issuer.name),
    IssuerUrl: url,
    DiscoveryUrl: `${url}${DISCOVERY_SUFFIX}`,
    JwksUri: `${url}${JWKS_SUFFIX}`,
    CreateDate: issuer.createDate,
  }
}

function renderKey(key: IssuerKeyRecord): ResultObject {
  return {
    KeyId: key.kid,
    Algorithm: key.algorithm,
    Status: key.retireDate === null ? 'Signing' : 'Retired',
    CreateDate: key.createDate,
    // When the retired key leaves the JWKS.
    RetireDate: key.retireDate ?? undefined,
  }
}

/** A new key pair for the named issuer, made before the transaction (RSA takes a while). */
const freshKey = (
  input: { IssuerName: string; Algorithm?: IssuerAlgorithm | undefined },
  { caller, request }: CallFrame,
) =>
  generateIssuerKey(
    { accountId: caller.accountId, name: input.IssuerName },
    input.Algorithm ?? DEFAULT_ISSUER_ALGORITHM,
    request.now,
  )

const createIssuer = defineAdminOperation({
  name: 'CreateIssuer',
  input: { IssuerName: issuerName(), Algorithm: algorithm() },
  resource: (input, { accountId }) => issuerArn(accountId, input.IssuerName),
  prepare: freshKey,
  async run(input, context, key) {
    if (await context.repo.issuers.get(context.accountId, input.IssuerName)) {
      throw alreadyExists(`Issuer with name ${input.IssuerName} already exists.`)
    }
    const issuer = { name: input.IssuerName, accountId: context.accountId, createDate: context.now }
    await context.repo.issuers.insert(issuer)
    await context.repo.issuers.insertKey({ ...key, createDate: context.now })
    return { Issuer: { ...renderIssuer(context, issuer), SigningKeyId: key.kid } }
  },
})

const deleteIssuer = defineAdminOperation({
  name: 'DeleteIssuer',
  input: { IssuerName: issuerName(), Force: optionalBoolean() },
  resource: (input, { accountId }) => issuerArn(accountId, input.IssuerName),
  async run(input, context) {
    const issuer = await findIssuer(context, input.IssuerName)
    // A cluster's service-account issuer lives and dies with its cluster.
    const cluster = await context.repo.clusters.getByIssuer(issuer.accountId, issuer.name)
    if (cluster !== undefined) {
      throw new AwsError(
        'DeleteConflict',
        `Cannot delete issuer ${issuer.name}: cluster ${cluster.name} signs its service-account tokens with it. Delete the cluster instead.`,
        { status: 409 },
      )
    }
    if (input.Force !== true) await refuseWhileTrusted(context, issuer)
    await context.repo.issuers.delete(issuer.accountId, issuer.name)
    return undefined
  },
})

const getIssuer = defineAdminOperation({
  name: 'GetIssuer',
  store: 'read',
  input: { IssuerName: issuerName() },
  resource: (input, { accountId }) => issuerArn(accountId, input.IssuerName),
  async run(input, context) {
    const issuer = await findIssuer(context, input.IssuerName)
    const keys = await context.repo.issuers.listKeys(issuer.accountId, issuer.name)
    return {
      Issuer: renderIssuer(context, issuer),
      Keys: keys.filter((key) => isPublished(key, context.now)).map(renderKey),
    }
  },
})

const listIssuers = defineAdminOperation({
  name: 'ListIssuers',
  store: 'read',
  input: {},
  resource: (_input, { accountId }) => issuerArn(accountId, '*'),
  async run(_input, context) {
    const issuers = await context.repo.issuers.list(context.accountId)
    return { Issuers: issuers.map((issuer) => renderIssuer(context, issuer)) }
  },
})

const rotateIssuerKey = defineAdminOperation({
  name: 'RotateIssuerKey',
  input: { IssuerName: issuerName(), Algorithm: algorithm() },
  resource: (input, { accountId }) => issuerArn(accountId, input.IssuerName),
  prepare: freshKey,
  async run(input, context, prepared) {
    const issuer = await findIssuer(context, input.IssuerName)
    const keys = await context.repo.issuers.listKeys(issuer.accountId, issuer.name)
    // Without an Algorithm the issuer keeps signing with the one it has.
    const current = signingKey(keys)?.algorithm
    const wanted: IssuerAlgorithm =
      input.Algorithm ?? (current !== undefined && isIssuerAlgorithm(current) ? current : 'RS256')
    const key =
      prepared.algorithm === wanted
        ? prepared
        : await generateIssuerKey(issuer, wanted, context.now)
    const rotation = planRotation(keys, context.now)
    for (const old of rotation.expired) {
      await context.repo.issuers.deleteKey(old.accountId, old.issuerName, old.kid)
    }
    for (const old of rotation.retired) await context.repo.issuers.updateKey(old)
    await context.repo.issuers.insertKey({ ...key, createDate: context.now })
    return {
      SigningKey: renderKey(key),
      RetiredKeys: rotation.retired.map(renderKey),
    }
  },
})

/** `Claims`: a JSON object of extra claims, none of them one the issuer sets itself. */
function claimsObject(): Field<Record<string, unknown> | undefined> {
  const text = optionalString({ min: 2, max: 8192 })
  return {
    read(params, name, problems) {
      const raw = text.read(params, name, problems)
      if (raw === undefined) return undefined
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch {
        value = undefined
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.add(`Value at 'claims' failed to satisfy constraint: Member must be a JSON object`)
        return undefined
      }
      const reserved = Object.keys(value).filter((claim) => RESERVED_CLAIMS.includes(claim))
      if (reserved.length > 0) {
        problems.add(
          `Value at 'claims' failed to satisfy constraint: Member must not set the reserved claims ${reserved.join(', ')}`,
        )
      }
      return value as Record<string, unknown>
    },
  }
}

const issueToken = defineAdminOperation({
  name: 'IssueToken',
  input: {
    IssuerName: issuerName(),
    Subject: requiredString({ min: 1, max: 255 }),
    Audience: stringList({ required: true, min: 1, max: 10, item: { min: 1, max: 255 } }),
    TtlSeconds: optionalInteger({ min: 1, max: MAX_TOKEN_TTL_SECONDS }),
    Claims: claimsObject(),
    Pod: optionalString({ min: 1, max: 253 }),
  },
  resource: (input, { accountId }) => issuerArn(accountId, input.IssuerName),
  async run(input, context) {
    const issuer = await findIssuer(context, input.IssuerName)
    const key = signingKey(await context.repo.issuers.listKeys(issuer.accountId, issuer.name))
    if (!key) throw new AwsError('ServiceFailure', `Issuer ${input.IssuerName} has no signing key.`)
    if (input.Pod !== undefined && !input.Subject.startsWith('system:serviceaccount:')) {
      throw validationError('Pod applies only to a system:serviceaccount:NAMESPACE:NAME subject.')
    }
    const minted = await mintToken(key, {
      issuerUrl: context.issuers.url(issuer),
      subject: input.Subject,
      audiences: input.Audience ?? [],
      ttlSeconds: input.TtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
      now: context.now,
      ...(input.Claims === undefined ? {} : { claims: input.Claims }),
      ...(input.Pod === undefined ? {} : { pod: input.Pod }),
    })
    return {
      Token: minted.token,
      IssuerUrl: context.issuers.url(issuer),
      KeyId: key.kid,
      Expiration: minted.expiresAt,
    }
  },
})

export const issuerOperations = [
  createIssuer,
  deleteIssuer,
  getIssuer,
  listIssuers,
  rotateIssuerKey,
  issueToken,
]
