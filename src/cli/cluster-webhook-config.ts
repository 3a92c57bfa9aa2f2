// `rolegate cluster webhook-config NAME`: what wires a real kube-apiserver to a cluster's webhooks,
// the two webhook kubeconfig files (rolegate's URL and CA) and the flags that name them, so the
// apiserver authenticates `aws eks get-token` tokens and authorises requests through rolegate.
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const WEBHOOK_CONFIG_HELP = `usage: rolegate cluster webhook-config NAME [options]

Prints the webhook kubeconfig files and the kube-apiserver flags that make a
cluster authenticate bearer tokens (TokenReview) at PUBLIC_URL/clusters/NAME/authenticate
and authorise requests (SubjectAccessReview) at PUBLIC_URL/clusters/NAME/authorize.

  --endpoint URL     rolegate's public URL, https:// (else AWS_ENDPOINT_URL)
  --ca-bundle FILE   rolegate's CA, e.g. DATA/ca.pem (else AWS_CA_BUNDLE); the
                     kube-apiserver trusts it for the webhooks
  --dir DIR          where the kube-apiserver reads the files
                     (default /etc/kubernetes/rolegate)
  --write            write the two files into DIR (mode 0600) and print the flags
  --force            with --write, replace files that exist
`

export const DEFAULT_WEBHOOK_DIR = '/etc/kubernetes/rolegate'

/** EKS's cluster names (CreateCluster, Amazon EKS API Reference). */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/

export interface WebhookConfigOptions {
  clusterName: string
  /** rolegate's public URL, https. */
  endpoint: string
  /** The CA the kube-apiserver trusts for rolegate's certificate, PEM; without it, the system's. */
  caPem?: string | undefined
  /** Where the kube-apiserver reads the files. */
  dir: string
}

export interface WebhookConfig {
  files: Array<{ path: string; text: string }>
  /** kube-apiserver flags, one a line. */
  flags: string[]
}

/**
 * A webhook kubeconfig: the cluster is rolegate's endpoint, the user the apiserver itself (it
 * presents no credentials: the webhooks answer any caller, as aws-iam-authenticator's does).
 * Scalars are JSON strings, which YAML reads back unchanged.
 */
function webhookKubeconfig(server: string, caPem: string | undefined): string {
  const q = JSON.stringify
  const ca =
    caPem === undefined
      ? ''
      : `\n    certificate-authority-data: ${q(Buffer.from(caPem, 'utf8').toString('base64'))}`
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: rolegate',
    '  cluster:',
    `    server: ${q(server)}${ca}`,
    'users:',
    '- name: kube-apiserver',
    '  user: {}',
    'contexts:',
    '- name: webhook',
    '  context:',
    '    cluster: rolegate',
    '    user: kube-apiserver',
    'current-context: webhook',
    '',
  ].join('\n')
}

export function webhookConfigFor(options: WebhookConfigOptions): WebhookConfig {
  const base = `${options.endpoint.replace(/\/+$/, '')}/clusters/${encodeURIComponent(options.clusterName)}`
  const authentication = join(options.dir, `${options.clusterName}-authentication-webhook.yaml`)
  const authorization = join(options.dir, `${options.clusterName}-authorization-webhook.yaml`)
  return {
    files: [
      { path: authentication, text: webhookKubeconfig(`${base}/authenticate`, options.caPem) },
      { path: authorization, text: webhookKubeconfig(`${base}/authorize`, options.caPem) },
    ],
    flags: [
      `--authentication-token-webhook-config-file=${authentication}`,
      '--authentication-token-webhook-version=v1',
      `--authorization-webhook-config-file=${authorization}`,
      '--authorization-webhook-version=v1',
      // rolegate's RBAC decides; add RBAC before Webhook to keep the cluster's own as well.
      '--authorization-mode=Node,Webhook',
    ],
  }
}

const OPTIONS = {
  endpoint: { type: 'string' },
  'ca-bundle': { type: 'string' },
  dir: { type: 'string' },
  write: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

const nonEmpty = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value

/** A setup problem (an unreadable CA, a file in the way): exit 1, without the help. */
class WebhookConfigError extends Error {}

function readCa(file: string): string {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new WebhookConfigError(`cannot read the CA bundle ${file}: ${(error as Error).message}`)
  }
  try {
    new X509Certificate(pem)
  } catch {
    throw new WebhookConfigError(`${file} holds no PEM certificate`)
  }
  return pem
}

interface Parsed {
  options: WebhookConfigOptions
  caFile: string | undefined
  write: boolean
  force: boolean
}

function parse(args: string[], io: CliIo): Parsed | 'help' {
  const { values, positionals } = parseCommandLine({
    args,
    options: OPTIONS,
    strict: true,
    allowPositionals: true,
  })
  if (values.help) return 'help'
  const [clusterName, extra] = positionals
  if (clusterName === undefined) throw new UsageError('webhook-config needs a cluster NAME')
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
  if (!/^https:\/\/[^/]+/.test(endpoint) || !URL.canParse(endpoint)) {
    throw new UsageError(
      `the endpoint must be an https:// URL (rolegate serves clusters over HTTPS only), got '${endpoint}'`,
    )
  }
  if (values.force && !values.write) throw new UsageError('--force applies only with --write')
  return {
    options: { clusterName, endpoint, dir: nonEmpty(values.dir) ?? DEFAULT_WEBHOOK_DIR },
    caFile: nonEmpty(values['ca-bundle']) ?? nonEmpty(io.env['AWS_CA_BUNDLE']),
    write: values.write,
    force: values.force,
  }
}

/**
 * `rolegate cluster webhook-config NAME [options]` (args after `webhook-config`); resolves with the
 * exit status. The `cluster` command's dispatcher calls it.
 */
export function runClusterWebhookConfig(args: string[], io: CliIo): Promise<number> {
  let parsed: Parsed | 'help'
  try {
    parsed = parse(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      return Promise.resolve(
        reportUsageError(io, 'cluster webhook-config', error, WEBHOOK_CONFIG_HELP),
      )
    }
    throw error
  }
  if (parsed === 'help') {
    io.out(WEBHOOK_CONFIG_HELP)
    return Promise.resolve(0)
  }
  try {
    const { options } = parsed
    if (parsed.caFile !== undefined) options.caPem = readCa(parsed.caFile)
    const config = webhookConfigFor(options)
    if (!parsed.write) {
      for (const file of config.files) io.out(`# ${file.path}\n${file.text}\n`)
      io.out(`# kube-apiserver flags\n${config.flags.join('\n')}\n`)
      return Promise.resolve(0)
    }
    for (const file of config.files) {
      if (!parsed.force && existsSync(file.path)) {
        throw new WebhookConfigError(`${file.path} exists; pass --force to replace it`)
      }
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 })
    for (const file of config.files) {
      writeFileSync(file.path, file.text, { mode: 0o600 })
      io.out(`wrote ${file.path}\n`)
    }
    io.out(`# kube-apiserver flags\n${config.flags.join('\n')}\n`)
    return Promise.resolve(0)
  } catch (error) {
    if (error instanceof WebhookConfigError) {
      io.err(`rolegate cluster webhook-config: ${error.message}\n`)
      return Promise.resolve(1)
    }
    throw error
  }
}
