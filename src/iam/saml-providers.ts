// IAM SAML identity providers: an IdP's metadata document, checked and read once on the way in so
// that AssumeRoleWithSAML later trusts exactly its entity id and signing certificates.
import { parseArn } from '../core/arn.js'
import {
  AwsError,
  alreadyExists,
  invalidInput,
  limitExceeded,
  noSuchEntity,
} from '../core/errors.js'
import { optionalString, requiredString, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { SamlMetadata } from '../federation/saml/metadata.js'
import { parseSamlMetadata } from '../federation/saml/metadata.js'
import type { SamlProviderRecord } from '../store/ports.js'
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

/** AWS quota SAMLProvidersPerAccount. */
export const MAX_SAML_PROVIDERS = 100

/** Without a validUntil in the metadata, AWS keeps a provider valid for a hundred years. */
export const DEFAULT_VALIDITY_YEARS = 100

const SAML_PROVIDER_NAME = { regex: /^[\w._-]+$/, text: '[\\w._-]+' }
const samlMetadataDocument = { min: 1000, max: 10000000 }

export const samlProviderArn = (accountId: string, name: string) =>
  `arn:aws:iam::${accountId}:saml-provider/${name}`

function validUntil(metadata: SamlMetadata, now: Date): Date {
  if (metadata.validUntil) return metadata.validUntil
  const until = new Date(now.getTime())
  until.setUTCFullYear(until.getUTCFullYear() + DEFAULT_VALIDITY_YEARS)
  return until
}

const notFound = (providerArn: string) => noSuchEntity(`Manifest not found for arn ${providerArn}`)

/** The provider an ARN names in the caller's account; names match without regard to case. */
async function findProvider(context: IamContext, providerArn: string): Promise<SamlProviderRecord> {
  const parsed = parseArn(providerArn)
  if (!parsed || parsed.service !== 'iam' || parsed.resource === '') {
    throw new AwsError('ValidationError', 'Invalid ARN:  Could not be parsed!')
  }
  const prefix = 'saml-provider/'
  if (parsed.account !== context.accountId || !parsed.resource.startsWith(prefix)) {
    throw notFound(providerArn)
  }
  const name = parsed.resource.slice(prefix.length).toLowerCase()
  const provider =
    (await context.repo.samlProviders.get(providerArn)) ??
    (await context.repo.samlProviders.list(context.accountId)).find(
      (candidate) => candidate.name.toLowerCase() === name,
    )
  if (!provider || provider.accountId !== context.accountId) throw notFound(providerArn)
  return provider
}

const providerArnInput = { SAMLProviderArn: arn() }

const createSAMLProvider = defineOperation({
  name: 'CreateSAMLProvider',
  input: {
    // In the order AWS lists their problems: by member name.
    Name: requiredString({ min: 1, max: 128, pattern: SAML_PROVIDER_NAME }),
    SAMLMetadataDocument: requiredString(samlMetadataDocument),
    Tags: tagList(),
  },
  resource: (input, { accountId }) => samlProviderArn(accountId, input.Name),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    const metadata = parseSamlMetadata(input.SAMLMetadataDocument)
    const tags = input.Tags ?? []
    checkRequestTags(tags)
    const existing = await context.repo.samlProviders.list(context.accountId)
    if (existing.some((provider) => provider.name.toLowerCase() === input.Name.toLowerCase())) {
      throw alreadyExists(`Provider with name ${input.Name} already exists.`)
    }
    if (existing.length >= MAX_SAML_PROVIDERS) {
      throw limitExceeded(`Cannot exceed quota for SAMLProvidersPerAccount: ${MAX_SAML_PROVIDERS}`)
    }
    const providerArn = samlProviderArn(context.accountId, input.Name)
    await context.repo.samlProviders.insert({
      accountId: context.accountId,
      name: input.Name,
      arn: providerArn,
      metadataDocument: input.SAMLMetadataDocument,
      certificates: metadata.certificates,
      entityId: metadata.entityId,
      validUntil: validUntil(metadata, context.now),
      createDate: context.now,
      tags,
    })
    return { SAMLProviderArn: providerArn, Tags: optionalTags(tags) }
  },
})

const getSAMLProvider = defineOperation({
  name: 'GetSAMLProvider',
  input: providerArnInput,
  resource: (input) => input.SAMLProviderArn,
  store: 'read',
  async run(input, context) {
    const provider = await findProvider(context, input.SAMLProviderArn)
    return {
      SAMLMetadataDocument: provider.metadataDocument,
      CreateDate: provider.createDate,
      ValidUntil: provider.validUntil,
      Tags: renderTags(tagsByKey(provider.tags)),
      // rolegate holds no SP private keys, so assertions may arrive unencrypted (AWS's default).
      AssertionEncryptionMode: 'Allowed',
      PrivateKeyList: [],
    }
  },
})

const listSAMLProviders = defineOperation({
  name: 'ListSAMLProviders',
  input: {},
  resource: () => '*',
  store: 'read',
  async run(_input, context) {
    const providers = await context.repo.samlProviders.list(context.accountId)
    return {
      SAMLProviderList: providers.map((provider): ResultObject => ({
        Arn: provider.arn,
        ValidUntil: provider.validUntil,
        CreateDate: provider.createDate,
      })),
    }
  },
})

const updateSAMLProvider = defineOperation({
  name: 'UpdateSAMLProvider',
  input: {
    SAMLMetadataDocument: optionalString(samlMetadataDocument),
    SAMLProviderArn: arn(),
  },
  resource: (input) => input.SAMLProviderArn,
  async run(input, context) {
    const provider = await findProvider(context, input.SAMLProviderArn)
    if (input.SAMLMetadataDocument === undefined) {
      throw invalidInput(
        'Unable to update identity provider. No updates are defined for metadata or encryption assertion.',
      )
    }
    const metadata = parseSamlMetadata(input.SAMLMetadataDocument)
    await context.repo.samlProviders.update({
      ...provider,
      metadataDocument: input.SAMLMetadataDocument,
      certificates: metadata.certificates,
      entityId: metadata.entityId,
      validUntil: validUntil(metadata, context.now),
    })
    return { SAMLProviderArn: provider.arn }
  },
})

const deleteSAMLProvider = defineOperation({
  name: 'DeleteSAMLProvider',
  input: providerArnInput,
  resource: (input) => input.SAMLProviderArn,
  async run(input, context) {
    const provider = await findProvider(context, input.SAMLProviderArn)
    await context.repo.samlProviders.delete(provider.arn)
    return undefined
  },
})

export const samlProviderOperations: IamOperation[] = [
  createSAMLProvider,
  getSAMLProvider,
  listSAMLProviders,
  updateSAMLProvider,
  deleteSAMLProvider,
  ...taggingOperations({
    noun: 'SAMLProvider',
    identity: providerArnInput,
    resource: (input) => input.SAMLProviderArn,
    find: (input, context) => findProvider(context, input.SAMLProviderArn),
    save: (provider, context) => context.repo.samlProviders.update(provider),
    ...PROVIDER_TAGGING,
  }),
]
