// Where a client command finds its endpoint, region, CA bundle and credentials, as the AWS tools
// do: flags, then AWS_* environment variables, then the profile in the shared config files (read
// by the SDK's own loader); credentials through the AWS SDK's provider chain, so SSO,
// credential_process, role and web-identity profiles work. The SDK loads only when a command runs.
import { readFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { ParseArgsConfig } from 'node:util'
import type { Credentials } from '@aws-sdk/client-sts'
import type { fromNodeProviderChain } from '@aws-sdk/credential-providers'

/** The options every client command takes: the flags below, and --help. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'ca-bundle': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options']

export interface ClientFlags {
  endpoint?: string | undefined
  profile?: string | undefined
  region?: string | undefined
  caBundle?: string | undefined
}

export interface ClientCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface ClientConfig {
  endpoint: string
  region: string
  credentials: ClientCredentials
  /** PEM text of AWS_CA_BUNDLE / ca_bundle: it replaces the system trust store, as in the AWS CLI. */
  ca: string | undefined
}

/**
 * A setup problem the user must fix (no endpoint, no credentials, an unreadable CA bundle);
 * printed without a stack. Not a UsageError: the command line was fine and the fix is in the
 * environment or the AWS config files, so it exits 1 without the command's help.
 */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError'
}

const nonEmpty = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value

/** The endpoint variable of a service: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_ROLEGATE. */
export const serviceEndpointVariable = (service: string) =>
  `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`

type ChainInit = NonNullable<Parameters<typeof fromNodeProviderChain>[0]>
type AssumeRoleParams = Parameters<NonNullable<ChainInit['roleAssumer']>>[1]
type WebIdentityParams = Parameters<NonNullable<ChainInit['roleAssumerWithWebIdentity']>>[0]

/** What the provider chain needs beyond the environment. */
interface CredentialSource {
  env: NodeJS.ProcessEnv
  /** --profile or AWS_PROFILE; undefined when neither names one. */
  named: string | undefined
  files: { filepath: string; configFilepath: string }
  /** Where the chain's own STS calls go (AssumeRole, AssumeRoleWithWebIdentity). */
  stsEndpoint: string
  region: string
  ca: string | undefined
}

// The SDK warns on stderr about AWS_PROFILE beside key variables; --profile choosing is intended.
const QUIET = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * An STS client for the role assumptions a profile or AWS_WEB_IDENTITY_TOKEN_FILE asks for: the
 * roles live in rolegate, so the calls go to its endpoint with its CA, not to AWS.
 */
async function stsClient(source: CredentialSource, credentials?: ClientCredentials) {
  const { STSClient } = await import('@aws-sdk/client-sts')
  return new STSClient({
    endpoint: source.stsEndpoint,
    region: source.region,
    maxAttempts: 1,
    ...(source.ca === undefined
      ? {}
      : { requestHandler: { httpsAgent: new Agent({ ca: source.ca }) } }),
    ...(credentials === undefined ? {} : { credentials }),
  })
}

function issued(answer: Credentials | undefined, operation: string) {
  if (answer?.AccessKeyId === undefined || answer.SecretAccessKey === undefined) {
    throw new Error(`${operation} answered without credentials`)
  }
  return {
    accessKeyId: answer.AccessKeyId,
    secretAccessKey: answer.SecretAccessKey,
    ...(answer.SessionToken === undefined ? {} : { sessionToken: answer.SessionToken }),
    ...(answer.Expiration === undefined ? {} : { expiration: answer.Expiration }),
  }
}

const credentialsOf = (found: ClientCredentials): ClientCredentials => ({
  accessKeyId: found.accessKeyId,
  secretAccessKey: found.secretAccessKey,
  ...(found.sessionToken === undefined ? {} : { sessionToken: found.sessionToken }),
})

/** Why the chain found nothing usable, in the CLI's words. */
function credentialError(error: unknown, source: CredentialSource): ClientConfigError {
  const message = error instanceof Error ? error.message : String(error)
  if (/Could not load credentials from any providers/.test(message)) {
    return new ClientConfigError(
      source.named === undefined
        ? 'Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE or --profile)'
        : `Unable to locate credentials in the profile (${source.named})`,
    )
  }
  // A service's refusal (AccessDenied, InvalidIdentityToken, ...) names its code.
  const code =
    error instanceof Error && '$metadata' in error && error.name !== 'Error'
      ? `${error.name}: `
      : ''
  return new ClientConfigError(`Unable to get credentials: ${code}${message}`)
}

async function resolveCredentials(source: CredentialSource): Promise<ClientCredentials> {
  const { env, named } = source
  // As the SDK's first link, but reading the command's environment: key variables, unless a
  // profile is named.
  const key = nonEmpty(env['AWS_ACCESS_KEY_ID'])
  const secret = nonEmpty(env['AWS_SECRET_ACCESS_KEY'])
  if (named === undefined && key !== undefined && secret !== undefined) {
    const token = nonEmpty(env['AWS_SESSION_TOKEN'])
    return {
      accessKeyId: key,
      secretAccessKey: secret,
      ...(token === undefined ? {} : { sessionToken: token }),
    }
  }
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers')
  const tokenFile = nonEmpty(env['AWS_WEB_IDENTITY_TOKEN_FILE'])
  const roleArn = nonEmpty(env['AWS_ROLE_ARN'])
  const sessionName = nonEmpty(env['AWS_ROLE_SESSION_NAME'])
  const chain = fromNodeProviderChain({
    // Always a profile, so the chain's own key-variable link (which reads process.env) stands
    // aside for the one above.
    profile: named ?? 'default',
    ...source.files,
    ignoreCache: true,
    ...(tokenFile === undefined ? {} : { webIdentityTokenFile: tokenFile }),
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(sessionName === undefined ? {} : { roleSessionName: sessionName }),
    roleAssumer: async (sourceCredentials: ClientCredentials, params: AssumeRoleParams) => {
      const { AssumeRoleCommand } = await import('@aws-sdk/client-sts')
      const sts = await stsClient(source, credentialsOf(sourceCredentials))
      return issued((await sts.send(new AssumeRoleCommand(params))).Credentials, 'AssumeRole')
    },
    roleAssumerWithWebIdentity: async (params: WebIdentityParams) => {
      const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts')
      const sts = await stsClient(source)
      const answer = await sts.send(new AssumeRoleWithWebIdentityCommand(params))
      return issued(answer.Credentials, 'AssumeRoleWithWebIdentity')
    },
    logger: QUIET,
  })
  try {
    return credentialsOf(await chain())
  } catch (error) {
    throw credentialError(error, source)
  }
}

export async function loadClientConfig(
  flags: ClientFlags,
  env: NodeJS.ProcessEnv,
  service: string,
): Promise<ClientConfig> {
  const home = nonEmpty(env['HOME']) ?? homedir()
  const files = {
    filepath: nonEmpty(env['AWS_SHARED_CREDENTIALS_FILE']) ?? join(home, '.aws', 'credentials'),
    configFilepath: nonEmpty(env['AWS_CONFIG_FILE']) ?? join(home, '.aws', 'config'),
  }
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader')
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    ...files,
    ignoreCache: true,
  })
  const named = nonEmpty(flags.profile) ?? nonEmpty(env['AWS_PROFILE'])
  const profile = named ?? 'default'
  if (
    named !== undefined &&
    configFile[named] === undefined &&
    credentialsFile[named] === undefined
  ) {
    throw new ClientConfigError(`The config profile (${named}) could not be found`)
  }
  const setting = (name: string) =>
    nonEmpty(configFile[profile]?.[name]) ?? nonEmpty(credentialsFile[profile]?.[name])

  const endpoint =
    nonEmpty(flags.endpoint) ??
    nonEmpty(env[serviceEndpointVariable(service)]) ??
    nonEmpty(env['AWS_ENDPOINT_URL']) ??
    setting('endpoint_url')
  if (endpoint === undefined) {
    throw new ClientConfigError('No endpoint: pass --endpoint URL or set AWS_ENDPOINT_URL')
  }
  if (!/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new ClientConfigError(
      `The endpoint must be an http:// or https:// URL, got '${endpoint}'`,
    )
  }
  const region =
    nonEmpty(flags.region) ??
    nonEmpty(env['AWS_REGION']) ??
    nonEmpty(env['AWS_DEFAULT_REGION']) ??
    setting('region') ??
    'us-east-1'
  const caFile = nonEmpty(flags.caBundle) ?? nonEmpty(env['AWS_CA_BUNDLE']) ?? setting('ca_bundle')
  let ca: string | undefined
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8')
    } catch (error) {
      throw new ClientConfigError(
        `Cannot read the CA bundle ${caFile}: ${(error as Error).message}`,
      )
    }
  }
  const base = endpoint.replace(/\/+$/, '')
  const credentials = await resolveCredentials({
    env,
    named,
    files,
    stsEndpoint: nonEmpty(env['AWS_ENDPOINT_URL_STS']) ?? base,
    region,
    ca,
  })
  return { endpoint: base, region, credentials, ca }
}
