// `rolegate cluster kubeconfig NAME`: a kubeconfig with which kubectl reaches a cluster's Kubernetes
// face (PUBLIC_URL/clusters/NAME/k8s) trusting rolegate's CA, and authenticates as EKS users do:
// an exec credential plugin running `aws eks get-token --cluster-name NAME` with
// AWS_ENDPOINT_URL_STS set to rolegate, so the token is presigned for rolegate's STS.
import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const KUBECONFIG_HELP = `usage: rolegate cluster kubeconfig NAME [options]

Prints (or writes) a kubeconfig for the cluster NAME: kubectl talks to
PUBLIC_URL/clusters/NAME/k8s and gets its token from \`aws eks get-token\`
presigned for rolegate's STS.

  --endpoint URL       rolegate's public URL (else AWS_ENDPOINT_URL)
  --ca-bundle FILE     rolegate's CA, e.g. DATA/ca.pem (else AWS_CA_BUNDLE);
                       kubectl trusts it, and so does the AWS CLI it runs
  --profile NAME       the AWS profile the token is signed with (else AWS_PROFILE)
  --region REGION      the region the token is signed for (else AWS_REGION,
                       AWS_DEFAULT_REGION, us-east-1)
  --alias NAME         the kubeconfig's cluster, user and context name
                       (default rolegate-NAME)
  --kubeconfig FILE    write FILE (mode 0600) instead of printing
  --force              replace FILE if it exists
`

/** The exec credential API the AWS CLI answers (its default) and kubectl 1.24+ accepts. */
export const EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1'

/**
 * EKS's rule for cluster names: "The name can contain only alphanumeric characters
 * (case-sensitive), hyphens, and underscores. It must start with an alphanumeric character and
 * can't be longer than 100 characters." (CreateCluster, Amazon EKS API Reference)
 */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/

export interface KubeconfigOptions {
  clusterName: string
  /** rolegate's public URL, e.g. `https://rolegate.example.com:4599`. */
  endpoint: string
  /** The CA certificate(s) kubectl trusts, PEM; without it, the system's. */
  caPem?: string | undefined
  /** The same CA as a file, for the AWS CLI the plugin runs (AWS_CA_BUNDLE). */
  caFile?: string | undefined
  profile?: string | undefined
  region: string
  /** The cluster, user and context name; `rolegate-NAME` unless given. */
  alias?: string | undefined
}

type Yaml = string | boolean | readonly Yaml[] | { readonly [key: string]: Yaml }

/**
 * Block-style YAML with every scalar written as a JSON string, which YAML reads back unchanged:
 * no value can be mistaken for a number, a boolean or YAML syntax.
 */
function yaml(value: Yaml, indent = ''): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'boolean') return String(value)
  const nested = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return value
      .map((item: Yaml) => `\n${indent}- ${yaml(item, nested).replace(/^\n\s*/, '')}`)
      .join('')
  }
  const entries = Object.entries(value as { readonly [key: string]: Yaml })
  if (entries.length === 0) return '{}'
  return entries
    .map(([key, item]) => {
      const text = yaml(item, nested)
      return `\n${indent}${key}:${text.startsWith('\n') ? text : ` ${text}`}`
    })
    .join('')
}

/** The kubeconfig's text. */
export function kubeconfigFor(options: KubeconfigOptions): string {
  const name = options.alias ?? `rolegate-${options.clusterName}`
  const base = options.endpoint.replace(/\/+$/, '')
  const cluster: Record<string, string> = {
    server: `${base}/clusters/${encodeURIComponent(options.clusterName)}/k8s`,
  }
  if (options.caPem !== undefined) {
    cluster['certificate-authority-data'] = Buffer.from(options.caPem, 'utf8').toString('base64')
  }
  const env = [{ name: 'AWS_ENDPOINT_URL_STS', value: base }]
  if (options.caFile !== undefined) env.push({ name: 'AWS_CA_BUNDLE', value: options.caFile })
  if (options.profile !== undefined) env.push({ name: 'AWS_PROFILE', value: options.profile })
  const document: Yaml = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: EXEC_API_VERSION,
            command: 'aws',
            args: [
              '--region',
              options.region,
              'eks',
              'get-token',
              '--cluster-name',
              options.clusterName,
              '--output',
              'json',
            ],
            env,
            // An MFA prompt of a role profile needs the terminal.
            interactiveMode: 'IfAvailable',
            provideClusterInfo: false,
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  }
  return `${yaml(document).replace(/^\n/, '')}\n`
}

const OPTIONS = {
  endpoint: { type: 'string' },
  'ca-bundle': { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  alias: { type: 'string' },
  kubeconfig: { type: 'string' },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

const nonEmpty = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value

/** A setup problem (no endpoint, an unreadable CA): exit 1, without the help. */
class KubeconfigError extends Error {}

function readCa(file: string): string {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new KubeconfigError(`cannot read the CA bundle ${file}: ${(error as Error).message}`)
  }
  try {
    new X509Certificate(pem)
  } catch {
    throw new KubeconfigError(`${file} holds no PEM certificate`)
  }
  return pem
}

/**
 * `rolegate cluster kubeconfig NAME [options]` (args after `kubeconfig`); resolves with the exit
 * status. The `cluster` command's dispatcher calls it.
 */
export function runClusterKubeconfig(args: string[], io: CliIo): Promise<number> {
  let options: KubeconfigOptions
  let file: string | undefined
  let force: boolean
  try {
    const { values, positionals } = parseCommandLine({
      args,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    })
    if (values.help) {
      io.out(KUBECONFIG_HELP)
      return Promise.resolve(0)
    }
    const [clusterName, extra] = positionals
    if (clusterName === undefined) throw new UsageError('kubeconfig needs a cluster NAME')
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`)
    if (!CLUSTER_NAME.test(clusterName)) {
      throw new UsageError(
        `'${clusterName}' is no cluster name: letters, digits, '-' and '_', starting with a` +
          ' letter or digit, at most 100',
      )
    }
    const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(io.env['AWS_ENDPOINT_URL'])
    if (endpoint === undefined) {
      throw new UsageError("no endpoint: pass --endpoint URL (rolegate's public URL)")
    }
    if (!/^https?:\/\/[^/]+/.test(endpoint) || !URL.canParse(endpoint)) {
      throw new UsageError(`the endpoint must be an http:// or https:// URL, got '${endpoint}'`)
    }
    const caBundle = nonEmpty(values['ca-bundle']) ?? nonEmpty(io.env['AWS_CA_BUNDLE'])
    options = {
      clusterName,
      endpoint,
      caFile: caBundle === undefined ? undefined : resolve(caBundle),
      profile: nonEmpty(values.profile) ?? nonEmpty(io.env['AWS_PROFILE']),
      region:
        nonEmpty(values.region) ??
        nonEmpty(io.env['AWS_REGION']) ??
        nonEmpty(io.env['AWS_DEFAULT_REGION']) ??
        'us-east-1',
      alias: nonEmpty(values.alias),
    }
    file = nonEmpty(values.kubeconfig)
    force = values.force
    if (force && file === undefined) throw new UsageError('--force applies only with --kubeconfig')
  } catch (error) {
    if (error instanceof UsageError) {
      return Promise.resolve(reportUsageError(io, 'cluster kubeconfig', error, KUBECONFIG_HELP))
    }
    throw error
  }
  try {
    if (options.caFile !== undefined) options.caPem = readCa(options.caFile)
    if (options.endpoint.startsWith('http:')) {
      io.err(
        'rolegate cluster kubeconfig: warning: the endpoint is plain http; kubectl will send its' +
          ' tokens unencrypted\n',
      )
    }
    const text = kubeconfigFor(options)
    if (file === undefined) {
      io.out(text)
      return Promise.resolve(0)
    }
    if (!force && existsSync(file)) {
      throw new KubeconfigError(`${file} exists; pass --force to replace it`)
    }
    writeFileSync(file, text, { mode: 0o600 })
    io.out(
      `wrote ${file}: context ${options.alias ?? `rolegate-${options.clusterName}`}` +
        ` (kubectl --kubeconfig ${file} ...)\n`,
    )
    return Promise.resolve(0)
  } catch (error) {
    if (error instanceof KubeconfigError) {
      io.err(`rolegate cluster kubeconfig: ${error.message}\n`)
      return Promise.resolve(1)
    }
    throw error
  }
}
