// `rolegate cluster SUBCOMMAND`: Kubernetes clusters through a running server's admin API, as the
// other client commands do (SigV4 with the AWS SDK's credential chain, AWS_CA_BUNDLE). A small
// dispatcher: each subcommand declares its options and its run; the server checks and decides.
import { readFile } from 'node:fs/promises'
import type { ParseArgsConfig } from 'node:util'
import { stringify } from 'yaml'
import { ROLEGATE_SIGNING_NAME, ROLEGATE_VERSION } from '../admin-api/service.js'
import { CONNECTION_OPTIONS, loadClientConfig } from './aws-config.js'
import { runClusterKubeconfig } from './cluster-kubeconfig.js'
import { runClusterWebhookConfig } from './cluster-webhook-config.js'
import type { ClientConfig } from './aws-config.js'
import { CLIENT_OPTIONS_HELP } from './client-help.js'
import { asList, callQuery, reportCallFailure } from './query-client.js'
import type { XmlValue } from './query-client.js'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

type OptionValue = string | boolean | (string | boolean)[] | undefined

/** One parsed `rolegate cluster SUBCOMMAND ...` command line. */
export interface ClusterInvocation {
  subcommand: string
  /** The operands after the subcommand, e.g. the cluster NAME. */
  words: string[]
  values: Record<string, OptionValue>
}

/** A `rolegate cluster` subcommand. */
export interface ClusterSubcommand {
  /** `create NAME [--register-oidc-provider]`: its synopsis in the help. */
  usage: string
  /** One line on what it does. */
  summary: string
  /** Options besides the connection options. */
  options: NonNullable<ParseArgsConfig['options']>
  /** Does the work; resolves with the exit status. Throw UsageError for a bad command line. */
  run(invocation: ClusterInvocation, client: ClusterClient, io: CliIo): Promise<number>
}

/** What a subcommand calls the server with. */
export interface ClusterClient {
  /** Calls a rolegate admin API action and answers its result (throws ApiError, EndpointError). */
  call(action: string, params: Record<string, string>): Promise<{ [name: string]: XmlValue }>
  /** The connection's settings (endpoint, region, credentials, CA bundle). */
  config(): Promise<ClientConfig>
}

/** The one operand after the subcommand, and nothing else (or `count` of them). */
export function operands(invocation: ClusterInvocation, names: readonly string[]): string[] {
  const { words, subcommand } = invocation
  if (words.length < names.length) {
    throw new UsageError(`${subcommand} needs ${names.slice(words.length).join(' ')}`)
  }
  if (words.length > names.length)
    throw new UsageError(`unexpected argument '${words[names.length]}'`)
  return words
}

const text = (values: ClusterInvocation['values'], name: string): string | undefined => {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}

const texts = (values: ClusterInvocation['values'], name: string): string[] => {
  const value = values[name]
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []
}

const flag = (values: ClusterInvocation['values'], name: string): boolean => values[name] === true

const json = (value: unknown): string => `${JSON.stringify(value, null, 4)}\n`

/** Lists that arrived empty (an empty element) become []. */
const withList = (result: { [name: string]: XmlValue }, name: string) => ({
  ...result,
  [name]: asList(result[name]),
})

const printWarnings = (io: CliIo, warnings: XmlValue | undefined) => {
  for (const warning of asList(warnings)) {
    if (typeof warning === 'string') io.err(`Warning: ${warning}\n`)
  }
}

/** How `kubectl get -o yaml|json` prints objects: one alone, several (or none) as a List. */
export function printObjects(objects: readonly unknown[], format: 'yaml' | 'json'): string {
  const value =
    objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } }
  if (format === 'json') return `${JSON.stringify(value, null, 4)}\n`
  // YAML 1.1, as kubectl reads it back: strings it would take for booleans or times are quoted.
  return stringify(value, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0 })
}

function outputFormat(values: ClusterInvocation['values']): 'yaml' | 'json' | undefined {
  const output = text(values, 'output')
  if (output === undefined || output === 'yaml' || output === 'json') return output
  throw new UsageError(`--output must be yaml or json, got '${output}'`)
}

async function readManifest(file: string, io: CliIo): Promise<string> {
  if (file === '-') return io.stdin ? io.stdin() : readStream(process.stdin)
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(
      `the path "${file}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    )
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  }
  return Buffer.concat(chunks).toString('utf8')
}

const mapIdentity = (type: 'role' | 'user'): ClusterSubcommand => ({
  usage: `map-${type} NAME --arn ARN [--username U] [--group G]... [--no-duplicate-arns]`,
  summary: `map an IAM ${type} to a Kubernetes user and groups in aws-auth (eksctl create iamidentitymapping)`,
  options: {
    arn: { type: 'string' },
    username: { type: 'string' },
    group: { type: 'string', multiple: true },
    'no-duplicate-arns': { type: 'boolean' },
  },
  async run(invocation, client, io) {
    const [name = ''] = operands(invocation, ['NAME'])
    const arn = text(invocation.values, 'arn')
    if (arn === undefined) throw new UsageError('--arn is required')
    const params: Record<string, string> = { ClusterName: name, Arn: arn, IdentityType: type }
    const username = text(invocation.values, 'username')
    if (username !== undefined) params['Username'] = username
    texts(invocation.values, 'group').forEach((group, i) => {
      params[`Groups.member.${i + 1}`] = group
    })
    if (flag(invocation.values, 'no-duplicate-arns')) params['NoDuplicateArns'] = 'true'
    const result = await client.call('MapClusterIdentity', params)
    printWarnings(io, result['Warnings'])
    if (result['Changed'] === 'true') io.out(`adding identity "${arn}" to auth ConfigMap\n`)
    return 0
  },
})

/** The subcommands, by name. Others add theirs here (kubeconfig, webhook-config, token). */
export const CLUSTER_SUBCOMMANDS: Record<string, ClusterSubcommand> = {
  create: {
    usage: 'create NAME [--region R] [--register-oidc-provider]',
    summary:
      'create a cluster with its service-account issuer; --register-oidc-provider also creates the IAM OIDC provider for it (audience sts.amazonaws.com)',
    options: { 'register-oidc-provider': { type: 'boolean' } },
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      const { region } = await client.config()
      const params: Record<string, string> = { ClusterName: name, Region: region }
      if (flag(invocation.values, 'register-oidc-provider')) params['RegisterOidcProvider'] = 'true'
      io.out(json(await client.call('CreateCluster', params)))
      return 0
    },
  },
  delete: {
    usage: 'delete NAME',
    summary:
      'delete a cluster, its objects and its issuer (an IAM OIDC provider registered for it stays, as on AWS)',
    options: {},
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      io.out(json(await client.call('DeleteCluster', { ClusterName: name })))
      return 0
    },
  },
  list: {
    usage: 'list',
    summary: "the caller's account's clusters",
    options: {},
    async run(invocation, client, io) {
      operands(invocation, [])
      io.out(json(withList(await client.call('ListClusters', {}), 'Clusters')))
      return 0
    },
  },
  get: {
    usage: 'get NAME [KIND [OBJECT]] [-n NS] [-o yaml|json]',
    summary:
      'the cluster; with KIND (or -o) its objects, printed as kubectl get -o prints them (yaml by default)',
    options: {
      namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' },
    },
    async run(invocation, client, io) {
      const { words } = invocation
      if (words.length === 0) throw new UsageError('get needs NAME')
      if (words.length > 3) throw new UsageError(`unexpected argument '${words[3]}'`)
      const [name = '', kind, object] = words
      const format = outputFormat(invocation.values)
      const namespace = text(invocation.values, 'namespace')
      if (kind === undefined && format === undefined) {
        if (namespace !== undefined) throw new UsageError('-n needs a KIND')
        io.out(json(await client.call('DescribeCluster', { ClusterName: name })))
        return 0
      }
      const params: Record<string, string> = { ClusterName: name }
      if (kind !== undefined) params['Kind'] = kind
      if (object !== undefined) params['ObjectName'] = object
      if (namespace !== undefined) params['Namespace'] = namespace
      const result = await client.call('GetClusterObjects', params)
      const items = JSON.parse(
        typeof result['Items'] === 'string' ? result['Items'] : '[]',
      ) as unknown[]
      io.out(printObjects(items, format ?? 'yaml'))
      return 0
    },
  },
  apply: {
    usage: 'apply NAME -f FILE|- [-n NS] [--dry-run]',
    summary:
      'apply a multi-document Kubernetes YAML file as one change: any bad document and nothing is written',
    options: {
      filename: { type: 'string', short: 'f' },
      namespace: { type: 'string', short: 'n' },
      'dry-run': { type: 'boolean' },
    },
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      const file = text(invocation.values, 'filename')
      if (file === undefined) throw new UsageError('-f FILE is required (- for standard input)')
      const params: Record<string, string> = {
        ClusterName: name,
        Manifest: await readManifest(file, io),
      }
      const namespace = text(invocation.values, 'namespace')
      if (namespace !== undefined) params['Namespace'] = namespace
      if (flag(invocation.values, 'dry-run')) params['DryRun'] = 'true'
      const result = await client.call('ApplyClusterObjects', params)
      printWarnings(io, result['Warnings'])
      for (const line of asList(result['Results']))
        if (typeof line === 'string') io.out(`${line}\n`)
      return 0
    },
  },
  'delete-resource': {
    usage: 'delete-resource NAME KIND OBJECT [-n NS]',
    summary: 'delete one object (a namespace with everything in it)',
    options: { namespace: { type: 'string', short: 'n' } },
    async run(invocation, client, io) {
      const [name = '', kind = '', object = ''] = operands(invocation, ['NAME', 'KIND', 'OBJECT'])
      const params: Record<string, string> = { ClusterName: name, Kind: kind, ObjectName: object }
      const namespace = text(invocation.values, 'namespace')
      if (namespace !== undefined) params['Namespace'] = namespace
      const result = await client.call('DeleteClusterObject', params)
      io.out(`${typeof result['Result'] === 'string' ? result['Result'] : ''}\n`)
      return 0
    },
  },
  'map-role': mapIdentity('role'),
  'map-user': mapIdentity('user'),
  unmap: {
    usage: 'unmap NAME --arn ARN [--all]',
    summary:
      "remove an ARN's mapping from aws-auth, the first one or --all (eksctl delete iamidentitymapping)",
    options: { arn: { type: 'string' }, all: { type: 'boolean' } },
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      const arn = text(invocation.values, 'arn')
      if (arn === undefined) throw new UsageError('--arn is required')
      const params: Record<string, string> = { ClusterName: name, Arn: arn }
      if (flag(invocation.values, 'all')) params['All'] = 'true'
      const result = await client.call('UnmapClusterIdentity', params)
      if (result['Changed'] === 'true') io.out(`removing identity "${arn}" from auth ConfigMap\n`)
      printWarnings(io, result['Warnings'])
      return 0
    },
  },
  'rotate-webhook-token': {
    usage: 'rotate-webhook-token NAME',
    summary:
      "a new webhook token for the cluster's kube-apiserver; the old one is refused at once (then webhook-config --write --force and restart the apiserver)",
    options: {},
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      io.out(json(await client.call('RotateClusterWebhookToken', { ClusterName: name })))
      io.err(
        `the old webhook token is refused from now on: write the new one with \`rolegate cluster webhook-config ${name} --write --force\` and restart the kube-apiserver\n`,
      )
      return 0
    },
  },
  token: {
    usage: 'token NAME -n NS --service-account SA [--audience A]... [--ttl S] [--pod P]',
    summary:
      "the token a pod using the service account holds in its projected aws-iam-token volume, signed by the cluster's issuer (audience and lifetime the service account's, else sts.amazonaws.com and 86400 s; --ttl 600 to 86400)",
    options: {
      namespace: { type: 'string', short: 'n' },
      'service-account': { type: 'string' },
      audience: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      pod: { type: 'string' },
    },
    async run(invocation, client, io) {
      const [name = ''] = operands(invocation, ['NAME'])
      const namespace = text(invocation.values, 'namespace')
      if (namespace === undefined) throw new UsageError('--namespace (-n) is required')
      const account = text(invocation.values, 'service-account')
      if (account === undefined) throw new UsageError('--service-account is required')
      const params: Record<string, string> = {
        ClusterName: name,
        Namespace: namespace,
        ServiceAccountName: account,
      }
      texts(invocation.values, 'audience').forEach((audience, i) => {
        params[`Audiences.member.${i + 1}`] = audience
      })
      const ttl = text(invocation.values, 'ttl')
      if (ttl !== undefined) {
        if (!/^\d+$/.test(ttl))
          throw new UsageError(`--ttl must be a number of seconds, got '${ttl}'`)
        params['TtlSeconds'] = ttl
      }
      const pod = text(invocation.values, 'pod')
      if (pod !== undefined) params['PodName'] = pod
      const result = await client.call('CreateServiceAccountToken', params)
      io.out(`${typeof result['Token'] === 'string' ? result['Token'] : ''}\n`)
      return 0
    },
  },
  // kubeconfig and webhook-config, made offline, are in OFFLINE_SUBCOMMANDS.
}

/** Words wrapped to the help's width, each line indented. */
function wrap(text: string, indent: number, width = 100): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  lines.push(line)
  return lines.map((each) => `${' '.repeat(indent)}${each}`).join('\n')
}

/**
 * A subcommand made of files, which parses its own options: offline, or (webhook-config) with one
 * call for the token unless it is given.
 */
interface OfflineSubcommand {
  usage: string
  summary: string
  run(args: string[], io: CliIo): Promise<number>
}

const OFFLINE_SUBCOMMANDS: Record<string, OfflineSubcommand> = {
  kubeconfig: {
    usage: 'kubeconfig NAME [--endpoint URL] [--ca-bundle FILE] [--kubeconfig FILE] ...',
    summary:
      "a kubeconfig for the cluster's Kubernetes face, trusting rolegate's CA, its token from `aws eks get-token` (see kubeconfig --help)",
    run: runClusterKubeconfig,
  },
  'webhook-config': {
    usage:
      'webhook-config NAME [--endpoint URL] [--ca-bundle FILE] [--token-file FILE] [--dir DIR] [--write]',
    summary:
      "the webhook kubeconfig files, with the cluster's webhook token, and kube-apiserver flags that make a real cluster authenticate and authorise through rolegate (see webhook-config --help)",
    run: runClusterWebhookConfig,
  },
}

export function clusterHelp(): string {
  const lines = [...Object.values(CLUSTER_SUBCOMMANDS), ...Object.values(OFFLINE_SUBCOMMANDS)].map(
    (sub) => `  ${sub.usage}\n${wrap(sub.summary, 6)}`,
  )
  return `Usage: rolegate cluster <subcommand> NAME ... [options]

Kubernetes clusters, EKS-style: each has an id, arn:aws:eks:REGION:ACCOUNT:cluster/NAME, its own
built-in OIDC issuer for service-account tokens, and the objects applied to it (Namespaces,
ServiceAccounts, the aws-auth ConfigMap, Nodes, Roles, ClusterRoles and their bindings). IAM
authorises eks:CreateCluster, eks:DeleteCluster, eks:ListClusters and eks:DescribeCluster, and
rolegate:GetClusterObjects, rolegate:ApplyClusterObjects, rolegate:DeleteClusterObject,
rolegate:MapClusterIdentity, rolegate:UnmapClusterIdentity, rolegate:GetClusterWebhookToken,
rolegate:RotateClusterWebhookToken and rolegate:CreateServiceAccountToken, on the cluster's ARN.

${lines.join('\n')}

${CLIENT_OPTIONS_HELP}`
}

/** `rolegate cluster ...`: resolves with the exit status. */
export async function runClusterCommand(args: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args
  const help = clusterHelp()
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    io.out(help)
    return subcommand === undefined ? 2 : 0
  }
  const offline = OFFLINE_SUBCOMMANDS[subcommand]
  if (offline !== undefined) return offline.run(rest, io)
  const command = CLUSTER_SUBCOMMANDS[subcommand]
  let invocation: ClusterInvocation
  try {
    if (command === undefined) throw new UsageError(`unknown cluster command '${subcommand}'`)
    const parsed = parseCommandLine({
      args: rest,
      options: { ...CONNECTION_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    })
    invocation = { subcommand, words: parsed.positionals, values: parsed.values }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return reportUsageError(io, 'cluster', error, help)
  }
  if (invocation.values['help'] === true) {
    io.out(
      `Usage: rolegate cluster ${command.usage}\n\n${command.summary}\n\n${CLIENT_OPTIONS_HELP}`,
    )
    return 0
  }
  let config: Promise<ClientConfig> | undefined
  const loadConfig = () =>
    (config ??= loadClientConfig(
      {
        endpoint: text(invocation.values, 'endpoint'),
        profile: text(invocation.values, 'profile'),
        region: text(invocation.values, 'region'),
        caBundle: text(invocation.values, 'ca-bundle'),
      },
      io.env,
      ROLEGATE_SIGNING_NAME,
    ))
  let action = ''
  const client: ClusterClient = {
    config: loadConfig,
    async call(name, params) {
      action = name
      return callQuery(await loadConfig(), {
        service: ROLEGATE_SIGNING_NAME,
        version: ROLEGATE_VERSION,
        action: name,
        params,
      })
    },
  }
  try {
    return await command.run(invocation, client, io)
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, 'cluster', error, help)
    const status = reportCallFailure(io, 'cluster', action, error)
    if (status === undefined) throw error
    return status
  }
}
