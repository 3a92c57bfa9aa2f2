// Where a client command finds its endpoint, region, credentials and CA bundle, the way the AWS
// CLI does: flags, then AWS_* environment variables, then the profile in the shared credentials
// and config files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, ~/.aws/...).
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

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

/** A setup problem the user must fix; printed without a stack. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError'
}

type Sections = Map<string, Map<string, string>>

/** The INI dialect of the AWS shared files; nested (indented) sub-settings are skipped. */
export function parseIni(text: string): Sections {
  const sections: Sections = new Map()
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s/.test(raw) && current !== undefined && raw.trim() !== '') continue
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line)
    if (header) {
      const name = header[1] ?? ''
      current = sections.get(name) ?? new Map<string, string>()
      sections.set(name, current)
      continue
    }
    const at = line.indexOf('=')
    if (at <= 0 || current === undefined) continue
    current.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim())
  }
  return sections
}

const readSections = (file: string): Sections => {
  try {
    return parseIni(readFileSync(file, 'utf8'))
  } catch {
    return new Map()
  }
}

const nonEmpty = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value

/** The endpoint variable of a service: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_ROLEGATE. */
export const serviceEndpointVariable = (service: string) =>
  `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`

export function loadClientConfig(
  flags: ClientFlags,
  env: NodeJS.ProcessEnv,
  service: string,
): ClientConfig {
  const home = nonEmpty(env['HOME']) ?? homedir()
  const credentialsFile =
    nonEmpty(env['AWS_SHARED_CREDENTIALS_FILE']) ?? join(home, '.aws', 'credentials')
  const configFile = nonEmpty(env['AWS_CONFIG_FILE']) ?? join(home, '.aws', 'config')
  const explicitProfile = nonEmpty(flags.profile)
  const profile =
    explicitProfile ??
    nonEmpty(env['AWS_PROFILE']) ??
    nonEmpty(env['AWS_DEFAULT_PROFILE']) ??
    'default'
  const fromCredentials = readSections(credentialsFile).get(profile)
  const config = readSections(configFile).get(
    profile === 'default' ? 'default' : `profile ${profile}`,
  )
  if (profile !== 'default' && fromCredentials === undefined && config === undefined) {
    throw new ClientConfigError(`The config profile (${profile}) could not be found`)
  }
  const setting = (name: string) =>
    nonEmpty(fromCredentials?.get(name)) ?? nonEmpty(config?.get(name))

  // As botocore: environment keys win unless a profile was named on the command line.
  let credentials: ClientCredentials | undefined
  const envKey = nonEmpty(env['AWS_ACCESS_KEY_ID'])
  const envSecret = nonEmpty(env['AWS_SECRET_ACCESS_KEY'])
  if (explicitProfile === undefined && envKey !== undefined && envSecret !== undefined) {
    const token = nonEmpty(env['AWS_SESSION_TOKEN'])
    credentials = {
      accessKeyId: envKey,
      secretAccessKey: envSecret,
      ...(token === undefined ? {} : { sessionToken: token }),
    }
  } else {
    const key = setting('aws_access_key_id')
    const secret = setting('aws_secret_access_key')
    const token = setting('aws_session_token')
    if (key !== undefined && secret !== undefined) {
      credentials = {
        accessKeyId: key,
        secretAccessKey: secret,
        ...(token === undefined ? {} : { sessionToken: token }),
      }
    }
  }
  if (credentials === undefined) {
    throw new ClientConfigError(
      'Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE or --profile)',
    )
  }

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
  return { endpoint: endpoint.replace(/\/+$/, ''), region, credentials, ca }
}
