// The resource endpoints of the API face: the kinds rolegate stores (get, list, create, update,
// patch, delete through the cluster's writer), and the workload kinds it only names (empty lists,
// NotFound, writes refused: rolegate runs no workloads). RBAC has allowed the request already.
import type { ClusterObject, ClusterSnapshot } from '../objects.js'
import { isJsonObject } from './json-input.js'
import type { JsonObject } from './json-input.js'
import { keptFields, unknownFields } from './object-fields.js'
import { PATCH_TYPES, PatchError } from './patch.js'
import type { ClusterObjectWriter } from './ports.js'
import type { ServedResource } from './resources.js'
import {
  StatusError,
  badRequest,
  deleted,
  failure,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from './status.js'
import { table } from './tables.js'

/** One resource request, RBAC-approved, with its body already read (for writes). */
export interface ResourceCall {
  snapshot: ClusterSnapshot
  /** The objects served (the snapshot's, with the defaults every cluster has). */
  objects: readonly ClusterObject[]
  resource: ServedResource
  verb: string
  namespace: string
  name: string
  subresource: string
  /** The body as a JSON object (create, update), or the raw patch for patch. */
  body: () => JsonObject
  rawBody: () => unknown
  contentType: string
  /** The `fieldValidation` query parameter: Strict, Warn (the default) or Ignore. */
  fieldValidation: string
  /** Warnings for the answer's `Warning` headers (unknown fields under Warn). */
  warnings: string[]
  /** The client asked for a Table (kubectl get). */
  asTable: boolean
  now: Date
}

export interface ResourceAnswer {
  status: number
  body: unknown
}

const groupVersion = (resource: ServedResource): string =>
  resource.group === '' ? resource.version : `${resource.group}/${resource.version}`

/** The list's resourceVersion: the newest of its objects'. */
function listVersion(objects: readonly ClusterObject[]): string {
  let newest = 0
  for (const object of objects) {
    const version = Number(object.metadata.resourceVersion ?? '0')
    if (Number.isSafeInteger(version) && version > newest) newest = version
  }
  return String(newest)
}

const byNamespaceThenName = (a: ClusterObject, b: ClusterObject): number =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
  a.metadata.name.localeCompare(b.metadata.name)

function listAnswer(call: ResourceCall, objects: ClusterObject[]): ResourceAnswer {
  objects.sort(byNamespaceThenName)
  const resourceVersion = listVersion(objects)
  if (call.asTable) {
    return { status: 200, body: table(call.resource.kind, objects, resourceVersion, call.now) }
  }
  return {
    status: 200,
    body: {
      kind: `${call.resource.kind}List`,
      apiVersion: groupVersion(call.resource),
      metadata: { resourceVersion },
      items: objects,
    },
  }
}

/** Answers for a kind nothing ever exists of. */
function nothing(call: ResourceCall): ResourceAnswer {
  if (call.verb === 'list') return listAnswer(call, [])
  if (call.verb === 'get') {
    throw new StatusError(notFound(call.resource.group, call.resource.resource, call.name))
  }
  throw new StatusError(methodNotAllowed())
}

/** The stored objects of the call's kind in its namespace (all namespaces when none is named). */
function storedOf(call: ResourceCall, kind: ClusterObject['kind']): ClusterObject[] {
  return call.objects.filter(
    (object) =>
      object.kind === kind &&
      (call.namespace === '' || (object.metadata.namespace ?? '') === call.namespace),
  )
}

function findStored(call: ResourceCall, kind: ClusterObject['kind']): ClusterObject {
  const found = storedOf(call, kind).find((object) => object.metadata.name === call.name)
  if (!found)
    throw new StatusError(notFound(call.resource.group, call.resource.resource, call.name))
  return found
}

/**
 * The object a write names, checked against the URL the way the apiserver checks it: kind and
 * apiVersion of the resource, the URL's namespace (filled in when absent), the URL's name.
 */
function objectForWrite(call: ResourceCall, candidate: unknown): ClusterObject {
  if (!isJsonObject(candidate)) throw new StatusError(badRequest('the object is not a JSON object'))
  const kind = candidate['kind']
  const apiVersion = candidate['apiVersion']
  const expectedVersion = groupVersion(call.resource)
  if (kind === undefined || kind === '') {
    throw new StatusError(badRequest(`Object 'Kind' is missing in the request body`))
  }
  if (kind !== call.resource.kind) {
    throw new StatusError(
      badRequest(
        `the kind in the data (${String(kind)}) does not match the expected kind (${call.resource.kind})`,
      ),
    )
  }
  if (apiVersion !== expectedVersion) {
    throw new StatusError(
      badRequest(
        `the API version in the data (${String(apiVersion)}) does not match the expected API version (${expectedVersion})`,
      ),
    )
  }
  const metadata = candidate['metadata']
  if (metadata !== undefined && !isJsonObject(metadata)) {
    throw new StatusError(badRequest('metadata must be an object'))
  }
  const meta: JsonObject = { ...(metadata ?? {}) }
  if (call.resource.namespaced) {
    const namespace = meta['namespace']
    if (namespace === undefined || namespace === '') meta['namespace'] = call.namespace
    else if (namespace !== call.namespace) {
      throw new StatusError(
        badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        ),
      )
    }
  } else {
    delete meta['namespace']
  }
  if (call.name !== '' && meta['name'] !== call.name) {
    throw new StatusError(
      badRequest(
        `the name of the object (${String(meta['name'] ?? '')}) does not match the name on the URL (${call.name})`,
      ),
    )
  }
  const object: JsonObject = { ...candidate, metadata: meta }
  const unknown = unknownFields(call.resource.kind as ClusterObject['kind'], object)
  if (unknown.length > 0 && call.fieldValidation !== 'Ignore') {
    const listed = unknown.map((field) => `unknown field "${field}"`)
    if (call.fieldValidation === 'Strict') {
      throw new StatusError(
        badRequest(
          `${call.resource.kind} in version "${call.resource.version}" cannot be handled as a ${call.resource.kind}: strict decoding error: ${listed.join(', ')}`,
        ),
      )
    }
    call.warnings.push(...listed)
  }
  return keptFields(object)
}

async function stored(
  call: ResourceCall,
  kind: ClusterObject['kind'],
  writer: ClusterObjectWriter,
): Promise<ResourceAnswer> {
  const cluster = call.snapshot.cluster
  if (call.subresource !== '') throw new StatusError(methodNotAllowed())
  switch (call.verb) {
    case 'list':
      return listAnswer(call, storedOf(call, kind))
    case 'get':
      return { status: 200, body: findStored(call, kind) }
    case 'create': {
      const object = objectForWrite(call, call.body())
      return { status: 201, body: await writer.create(cluster, object) }
    }
    case 'update': {
      const object = objectForWrite(call, call.body())
      return { status: 200, body: await writer.update(cluster, object) }
    }
    case 'patch': {
      const current = findStored(call, kind)
      const apply = PATCH_TYPES[call.contentType as keyof typeof PATCH_TYPES]
      if (!apply) throw new StatusError(unsupportedMediaType())
      let patched: unknown
      try {
        patched = apply(current, call.rawBody())
      } catch (error) {
        if (error instanceof PatchError) {
          throw new StatusError(failure(422, 'Invalid', error.message))
        }
        throw error
      }
      const object = objectForWrite(call, patched)
      return { status: 200, body: await writer.update(cluster, object) }
    }
    case 'delete': {
      const gone = await writer.delete(cluster, {
        kind,
        namespace: call.resource.namespaced ? call.namespace : '',
        name: call.name,
      })
      // The apiserver answers a deleted RBAC object with a Status, core objects with themselves.
      if (call.resource.group === '') return { status: 200, body: gone }
      return {
        status: 200,
        body: deleted(call.resource.group, call.resource.resource, call.name, gone.metadata.uid),
      }
    }
    default:
      throw new StatusError(methodNotAllowed())
  }
}

export async function answerResource(
  call: ResourceCall,
  writer: ClusterObjectWriter,
): Promise<ResourceAnswer> {
  const serving = call.resource.serving
  if (serving.by === 'store') return stored(call, serving.kind, writer)
  if (call.subresource !== '' && call.verb !== 'get') throw new StatusError(methodNotAllowed())
  return nothing(call)
}
