// What a request to the API face asks, read from its method, path and query the way the
// apiserver's RequestInfoFactory reads them (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
// the verb, group, version, resource, subresource, namespace and name, or a non-resource path.

export type RequestInfo =
  | {
      resourceRequest: true
      verb: string
      apiPrefix: 'api' | 'apis'
      apiGroup: string
      apiVersion: string
      namespace: string
      resource: string
      subresource: string
      name: string
      /** The path segments after the version, decoded. */
      parts: readonly string[]
    }
  | { resourceRequest: false; verb: string; path: string }

/** Verbs read from the method for resource requests. */
const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
}

/** A namespace's own subresources: `/namespaces/NS/status` is the namespace, not a resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize'])

/** The decoded segments of a path, or undefined when one holds bad percent-encoding. */
export function decodeSegments(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '')
  if (trimmed === '') return []
  try {
    return trimmed.split('/').map((segment) => decodeURIComponent(segment))
  } catch {
    return undefined
  }
}

/** True when the query sets `watch` to anything but false or 0, as the apiserver reads it. */
function watchRequested(query: URLSearchParams): boolean {
  const value = query.get('watch')
  if (value === null) return false
  const lower = value.toLowerCase()
  return lower !== 'false' && lower !== '0'
}

/** The name a `fieldSelector=metadata.name=NAME` (and nothing else) selects, else ''. */
function nameSelected(query: URLSearchParams): string {
  const selector = query.get('fieldSelector')
  if (selector === null) return ''
  const match = /^\s*metadata\.name\s*(?:==|=)\s*([^,=!\s/]+)\s*$/.exec(selector)
  const name = match?.[1] ?? ''
  return name === '.' || name === '..' ? '' : name
}

/** Verbs named by a path segment after the version: `/api/v1/watch/pods`. */
const SPECIAL_VERBS = new Set(['proxy', 'watch'])

/**
 * The request's info. `path` is the API path (`/api/v1/namespaces/default/pods`), percent-encoded;
 * undefined when it cannot be decoded.
 */
export function requestInfo(
  method: string,
  path: string,
  query: URLSearchParams,
): RequestInfo | undefined {
  const segments = decodeSegments(path)
  if (segments === undefined) return undefined
  const nonResource: RequestInfo = {
    resourceRequest: false,
    verb: method.toLowerCase(),
    path: `/${segments.join('/')}`,
  }
  const [prefix] = segments
  if (prefix !== 'api' && prefix !== 'apis') return nonResource
  // A resource needs something after /api/VERSION or /apis/GROUP/VERSION; shorter is discovery.
  const versionAt = prefix === 'api' ? 1 : 2
  if (segments.length < versionAt + 2) return nonResource
  const apiGroup = prefix === 'api' ? '' : (segments[1] ?? '')
  const apiVersion = segments[versionAt] ?? ''
  let parts = segments.slice(versionAt + 1)
  let verb = METHOD_VERBS[method] ?? ''
  if (SPECIAL_VERBS.has(parts[0] ?? '')) {
    if (parts.length < 2) return undefined
    verb = parts[0] ?? ''
    parts = parts.slice(1)
  }
  let namespace = ''
  // Server-side apply creates a namespace with a PATCH of /namespaces/NAME: not "in" it.
  if (parts[0] === 'namespaces' && parts.length === 2 && verb === 'patch') {
    namespace = ''
  } else if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? ''
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2)
  }
  const resource = parts[0] ?? ''
  let name = parts[1] ?? ''
  const subresource = verb === 'proxy' ? '' : (parts[2] ?? '')
  if (name === '' && verb === 'get') {
    verb = watchRequested(query) ? 'watch' : 'list'
    name = nameSelected(query)
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection'
  return {
    resourceRequest: true,
    verb,
    apiPrefix: prefix,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
    parts,
  }
}
