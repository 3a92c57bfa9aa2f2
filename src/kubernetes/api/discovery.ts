// API discovery as a Kubernetes 1.32 apiserver answers it: /version, the legacy documents (/api,
// /apis, /apis/GROUP, /api/v1, /apis/GROUP/VERSION) and the aggregated apidiscovery.k8s.io/v2
// documents kubectl asks for first.
import type { GroupVersion, ServedResource } from './resources.js'
import { groupVersions } from './resources.js'

/** The Kubernetes release whose API this face speaks. */
export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-rolegate',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: '',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'

/** One media range of an Accept header, parameters lower-cased by name. */
interface MediaRange {
  type: string
  params: Record<string, string>
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (accept === undefined || accept.trim() === '') return [{ type: '*/*', params: {} }]
  return accept.split(',').map((range) => {
    const [type = '', ...rest] = range.split(';').map((part) => part.trim())
    const params: Record<string, string> = {}
    for (const param of rest) {
      const eq = param.indexOf('=')
      if (eq > 0) params[param.slice(0, eq).toLowerCase()] = param.slice(eq + 1)
    }
    return { type: type.toLowerCase(), params }
  })
}

const acceptsJson = (range: MediaRange): boolean =>
  range.type === 'application/json' || range.type === '*/*' || range.type === 'application/*'

/** True when the client takes the aggregated v2 document before a plain JSON one. */
export function wantsAggregated(ranges: readonly MediaRange[]): boolean {
  for (const range of ranges) {
    if (range.type === 'application/json' && range.params['as'] === 'APIGroupDiscoveryList') {
      if (range.params['g'] === 'apidiscovery.k8s.io' && range.params['v'] === 'v2') return true
      continue
    }
    if (acceptsJson(range) && range.params['as'] === undefined) return false
  }
  return false
}

/** True when a plain JSON answer (an object, not a Table or a discovery list) is acceptable. */
export function acceptsPlainJson(ranges: readonly MediaRange[]): boolean {
  return ranges.some((range) => acceptsJson(range) && range.params['as'] === undefined)
}

/** True when the client asked for a meta.k8s.io/v1 Table (kubectl get's server-side printing). */
export function wantsTable(ranges: readonly MediaRange[]): boolean {
  for (const range of ranges) {
    if (range.params['as'] === 'Table') {
      if (range.params['g'] === 'meta.k8s.io' && range.params['v'] === 'v1') return true
      continue
    }
    if (acceptsJson(range)) return false
  }
  return false
}

const groupVersionName = (entry: { group: string; version: string }): string =>
  entry.group === '' ? entry.version : `${entry.group}/${entry.version}`

/** One resource in the legacy APIResourceList. */
const legacyResource = (resource: ServedResource): object => ({
  name: resource.resource,
  singularName: resource.singular,
  namespaced: resource.namespaced,
  kind: resource.kind,
  verbs: resource.verbs,
  ...(resource.shortNames === undefined ? {} : { shortNames: resource.shortNames }),
  ...(resource.categories === undefined ? {} : { categories: resource.categories }),
})

/** One resource in the aggregated APIVersionDiscovery. */
const aggregatedResource = (resource: ServedResource): object => ({
  resource: resource.resource,
  responseKind: { group: resource.group, version: resource.version, kind: resource.kind },
  scope: resource.namespaced ? 'Namespaced' : 'Cluster',
  singularResource: resource.singular,
  verbs: resource.verbs,
  ...(resource.shortNames === undefined ? {} : { shortNames: resource.shortNames }),
  ...(resource.categories === undefined ? {} : { categories: resource.categories }),
})

/** Discovery over a set of served resources. */
export class Discovery {
  private readonly versions: GroupVersion[]

  constructor(resources?: readonly ServedResource[]) {
    this.versions = groupVersions(resources)
  }

  version(): object {
    return { ...KUBERNETES_VERSION }
  }

  /** GET /api: the core group's versions (legacy) or the core group (aggregated). */
  coreGroup(aggregated: boolean, serverAddress: string): object {
    const core = this.versions.filter((entry) => entry.group === '')
    if (aggregated) return this.aggregatedList(core)
    return {
      kind: 'APIVersions',
      versions: core.map((entry) => entry.version),
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    }
  }

  /** GET /apis: every named group (legacy APIGroupList, or aggregated). */
  groups(aggregated: boolean): object {
    const named = this.versions.filter((entry) => entry.group !== '')
    if (aggregated) return this.aggregatedList(named)
    const names = [...new Set(named.map((entry) => entry.group))]
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: names.map((name) => this.apiGroup(name)),
    }
  }

  /** GET /apis/GROUP: the group's versions, or undefined when not served. */
  group(name: string): object | undefined {
    if (name === '' || !this.versions.some((entry) => entry.group === name)) return undefined
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(name) }
  }

  /** GET /api/VERSION or /apis/GROUP/VERSION: the legacy APIResourceList. */
  resourceList(group: string, version: string): object | undefined {
    const entry = this.versions.find((gv) => gv.group === group && gv.version === version)
    if (!entry) return undefined
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersionName(entry),
      resources: entry.resources.map(legacyResource),
    }
  }

  private apiGroup(name: string): object {
    const versions = this.versions
      .filter((entry) => entry.group === name)
      .map((entry) => ({ groupVersion: groupVersionName(entry), version: entry.version }))
    return { name, versions, preferredVersion: versions[0] }
  }

  private aggregatedList(entries: readonly GroupVersion[]): object {
    const names = [...new Set(entries.map((entry) => entry.group))]
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: names.map((name) => ({
        metadata: name === '' ? { creationTimestamp: null } : { name, creationTimestamp: null },
        versions: entries
          .filter((entry) => entry.group === name)
          .map((entry) => ({
            version: entry.version,
            resources: entry.resources.map(aggregatedResource),
            freshness: 'Current',
          })),
      })),
    }
  }
}
