// IAM OpenID Connect identity providers: the issuers whose tokens AssumeRoleWithWebIdentity may
// trust, each with its audiences (client ids), optional TLS thumbprints and tags.
import { parseArn } from '../core/arn.js'
import {
  AwsError,
  alreadyExists,
  invalidInput,
  limitExceeded,
  noSuchEntity,
} from '../core/errors.js'
import type { Field } from '../core/input.js'
import { memberName, memberValues, missing, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { OidcProviderRecord, Tag } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import { arn } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import {
  PROVIDER_TAGGING,
  checkRequestTags,
  optionalTags,
  renderTags,
  requestTagContext,
  taggingOperations,
  tagsByKey,
} from './tags.js'

/** AWS quotas: OpenIdConnectProvidersPerAccount, ClientIdsPerOpenIdConnectProvider, thumbprints. */
export const MAX_OIDC_PROVIDERS = 100
export const MAX_CLIENT_IDS = 100
export const MAX_THUMBPRINTS = 5

type Problems = Parameters<Field<unknown>['read']>[2]

/**
 * A required string checked the way AWS words it for these parameters: without echoing the value
 * (recorded: "Value at 'url' failed to satisfy constraint: Member must have length ...").
 */
function unechoedString(min: number, max: number): Field<string> {
  return {
    read(params, name, problems: Problems) {
      const value = params[name]
      if (value === undefined) {
        problems.add(missing(name, problems))
        return ''
      }
      const length = [...value].length
      const at = `Value at '${memberName(name)}' failed to satisfy constraint:`
      if (length < min)
        problems.add(`${at} Member must have length greater than or equal to ${min}`)
      if (length > max) problems.add(`${at} Member must have length less than or equal to ${max}`)
      return value
    },
  }
}

/**
 * A `member.N` list whose members have a length range. AWS reports a bad member against the whole
 * list, naming both bounds (recorded for ClientIDList and ThumbprintList).
 */
function boundedList(min: number, max: number, options: { required?: boolean } = {}) {
  return {
    read(params, name, problems: Problems) {
      const values = memberValues(params, name)
      if (values.length === 0 && params[name] === undefined) {
        if (options.required) problems.add(missing(name, problems))
        return undefined
      }
      const bad = values.some((value) => [...value].length < min || [...value].length > max)
      if (bad) {
        problems.add(
          `Value at '${memberName(name)}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to ${max}, Member must have length greater than or equal to ${min}]`,
        )
      }
      return values
    },
  } satisfies Field<string[] | undefined>
}

const INVALID_URL = 'Invalid Open ID Connect Provider URL'

/**
 * The provider's identity: its URL without `https://` (`host/path`, trailing slash kept), which is
 * also the tail of its ARN. Rejects what AWS rejects, in AWS's words.
 */
export function oidcProviderUrl(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(url)
  const scheme = match?.[1]
  const authority = match?.[2]
  const rest = match?.[3] ?? ''
  if (!scheme || !authority) throw new AwsError('ValidationError', INVALID_URL)
  if (scheme.toLowerCase() !== 'https') {
    throw invalidInput(`${INVALID_URL}. The URL must begin with https://.`)
  }
  // No credentials, query or fragment: an issuer is an https host with an optional path. AWS's
  // docs say the URL "should not" carry a port; rolegate accepts one so that issuers served on a
  // local port (its own built-in issuers among them) can be registered.
  const [host = '', port] = authority.split(/:(?=\d+$)/)
  const validHost =
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/
  const validPort = port === undefined || (Number(port) >= 1 && Number(port) <= 65535)
  if (!validHost.test(host) || !validPort || rest.includes('?') || rest.includes('#')) {
    throw invalidInput(`${INVALID_URL}.`)
  }
  return authority + rest
}

/** `host/path` of a URL for the authorisation resource, without judging it (that comes later). */
const urlPath = (url: string) => url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '')

export const oidcProviderArn = (accountId: string, urlPath: string) =>
  `arn:aws:iam::${accountId}:oidc-provider/${urlPath}`

/** AWS's answer for an ARN it cannot read at all (recorded for policy ARNs). */
const unparsableArn = () => new AwsError('ValidationError', 'Invalid ARN:  Could not be parsed!')

const notFound = (providerArn: string) =>
  noSuchEntity(`OpenIDConnect Provider not found for arn ${providerArn}`)

/** The provider an ARN names in the caller's account, if any; an ARN that does not parse fails. */
async function lookupProvider(
  context: IamContext,
  providerArn: string,
): Promise<OidcProviderRecord | undefined> {
  const parsed = parseArn(providerArn)
  if (!parsed || parsed.service !== 'iam' || parsed.resource === '') throw unparsableArn()
  const provider =
    parsed.account === context.accountId && parsed.resource.startsWith('oidc-provider/')
      ? await context.repo.oidcProviders.get(providerArn)
      : undefined
  return provider && provider.accountId === context.accountId ? provider : undefined
}

/** The provider an ARN names in the caller's account, or NoSuchEntity. */
async function findProvider(context: IamContext, providerArn: string): Promise<OidcProviderRecord> {
  const provider = await lookupProvider(context, providerArn)
  if (!provider) throw notFound(providerArn)
  return provider
}

function checkThumbprints(thumbprints: readonly string[]): string[] {
  if (thumbprints.length > MAX_THUMBPRINTS) {
    throw invalidInput('Thumbprint list must contain fewer than 5 entries.')
  }
  // AWS stores thumbprints in lower case, whatever case they were sent in.
  return [...new Set(thumbprints.map((thumbprint) => thumbprint.toLowerCase()))]
}

function checkClientIds(clientIds: readonly string[]): string[] {
  const unique = [...new Set(clientIds)]
  if (unique.length > MAX_CLIENT_IDS) {
    throw limitExceeded(
      `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`,
    )
  }
  return unique
}

const providerArnInput = { OpenIDConnectProviderArn: arn() }

const createInput = {
  // In the order AWS lists their problems (recorded: clientIDList, thumbprintList, url).
  ClientIDList: boundedList(1, 255),
  ThumbprintList: boundedList(40, 40),
  Url: unechoedString(1, 255),
  Tags: tagList(),
}

const createOpenIDConnectProvider = defineOperation({
  name: 'CreateOpenIDConnectProvider',
  input: createInput,
  resource: (input, { accountId }) => oidcProviderArn(accountId, urlPath(input.Url)),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    const tags = input.Tags ?? []
    const providerArn = await registerOidcProvider(context.repo, context.accountId, context.now, {
      url: input.Url,
      clientIds: input.ClientIDList ?? [],
      thumbprints: input.ThumbprintList ?? [],
      tags,
    })
    return { OpenIDConnectProviderArn: providerArn, Tags: optionalTags(tags) }
  },
})

/**
 * CreateOpenIDConnectProvider's work, for it and for what registers a provider on the caller's
 * behalf (`rolegate cluster create --register-oidc-provider`): AWS's checks of the URL, client ids,
 * thumbprints, tags and quota, in one transaction's repositories. Answers the provider's ARN.
 */
export async function registerOidcProvider(
  repo: Repositories,
  accountId: string,
  now: Date,
  request: {
    url: string
    clientIds: readonly string[]
    thumbprints: readonly string[]
    tags: Tag[]
  },
): Promise<string> {
  const url = oidcProviderUrl(request.url)
  const thumbprints = checkThumbprints(request.thumbprints)
  const clientIds = checkClientIds(request.clientIds)
  checkRequestTags(request.tags)
  const providerArn = oidcProviderArn(accountId, url)
  if (await repo.oidcProviders.get(providerArn)) {
    throw alreadyExists(`Provider with url ${request.url} already exists.`)
  }
  const existing = await repo.oidcProviders.list(accountId)
  if (existing.length >= MAX_OIDC_PROVIDERS) {
    throw limitExceeded(
      `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${MAX_OIDC_PROVIDERS}`,
    )
  }
  await repo.oidcProviders.insert({
    accountId,
    url,
    arn: providerArn,
    clientIds,
    thumbprints,
    createDate: now,
    tags: request.tags,
  })
  return providerArn
}

const getOpenIDConnectProvider = defineOperation({
  name: 'GetOpenIDConnectProvider',
  input: providerArnInput,
  resource: (input) => input.OpenIDConnectProviderArn,
  store: 'read',
  async run(input, context) {
    const provider = await findProvider(context, input.OpenIDConnectProviderArn)
    return {
      Url: provider.url,
      ClientIDList: provider.clientIds,
      ThumbprintList: provider.thumbprints,
      CreateDate: provider.createDate,
      Tags: renderTags(tagsByKey(provider.tags)),
    }
  },
})

const listOpenIDConnectProviders = defineOperation({
  name: 'ListOpenIDConnectProviders',
  input: {},
  resource: () => '*',
  store: 'read',
  async run(_input, context) {
    const providers = await context.repo.oidcProviders.list(context.accountId)
    return {
      OpenIDConnectProviderList: providers.map((provider): ResultObject => ({ Arn: provider.arn })),
    }
  },
})

const deleteOpenIDConnectProvider = defineOperation({
  name: 'DeleteOpenIDConnectProvider',
  input: providerArnInput,
  resource: (input) => input.OpenIDConnectProviderArn,
  async run(input, context) {
    // Idempotent, as the API Reference says: "it does not fail or return an error if you call
    // the operation for a provider that does not exist". An ARN that does not parse still fails.
    const provider = await lookupProvider(context, input.OpenIDConnectProviderArn)
    if (provider) await context.repo.oidcProviders.delete(provider.arn)
    return undefined
  },
})

const clientIdInput = { ...providerArnInput, ClientID: unechoedString(1, 255) }

const addClientIDToOpenIDConnectProvider = defineOperation({
  name: 'AddClientIDToOpenIDConnectProvider',
  input: clientIdInput,
  resource: (input) => input.OpenIDConnectProviderArn,
  async run(input, context) {
    const provider = await findProvider(context, input.OpenIDConnectProviderArn)
    if (provider.clientIds.includes(input.ClientID)) return undefined
    const clientIds = checkClientIds([...provider.clientIds, input.ClientID])
    await context.repo.oidcProviders.update({ ...provider, clientIds })
    return undefined
  },
})

const removeClientIDFromOpenIDConnectProvider = defineOperation({
  name: 'RemoveClientIDFromOpenIDConnectProvider',
  input: clientIdInput,
  resource: (input) => input.OpenIDConnectProviderArn,
  async run(input, context) {
    const provider = await findProvider(context, input.OpenIDConnectProviderArn)
    if (!provider.clientIds.includes(input.ClientID)) return undefined
    const clientIds = provider.clientIds.filter((id) => id !== input.ClientID)
    await context.repo.oidcProviders.update({ ...provider, clientIds })
    return undefined
  },
})

const updateOpenIDConnectProviderThumbprint = defineOperation({
  name: 'UpdateOpenIDConnectProviderThumbprint',
  input: { ...providerArnInput, ThumbprintList: boundedList(40, 40, { required: true }) },
  resource: (input) => input.OpenIDConnectProviderArn,
  async run(input, context) {
    const provider = await findProvider(context, input.OpenIDConnectProviderArn)
    const thumbprints = checkThumbprints(input.ThumbprintList ?? [])
    await context.repo.oidcProviders.update({ ...provider, thumbprints })
    return undefined
  },
})

export const oidcProviderOperations: IamOperation[] = [
  createOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  deleteOpenIDConnectProvider,
  addClientIDToOpenIDConnectProvider,
  removeClientIDFromOpenIDConnectProvider,
  updateOpenIDConnectProviderThumbprint,
  ...taggingOperations({
    noun: 'OpenIDConnectProvider',
    identity: providerArnInput,
    resource: (input) => input.OpenIDConnectProviderArn,
    find: (input, context) => findProvider(context, input.OpenIDConnectProviderArn),
    save: (provider, context) => context.repo.oidcProviders.update(provider),
    ...PROVIDER_TAGGING,
  }),
]
