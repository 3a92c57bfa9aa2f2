// A cluster's objects between the store and the rest: the key each is stored under, the fields
// the server sets (uid, resourceVersion, creationTimestamp, as an apiserver sets them), and the
// JSON text the store keeps.
import type { ClusterObjectRecord } from '../store/ports.js'
import { SYSTEM_NAMESPACES, kindInfo } from './cluster-kinds.js'
import type { ClusterObject, ClusterObjectKind, Namespace, ObjectMeta } from './objects.js'

/** The store's key of an object: kind, namespace ('' when cluster-scoped), name. */
export interface ObjectKey {
  kind: ClusterObjectKind
  namespace: string
  name: string
}

export const keyOf = (object: ClusterObject): ObjectKey => ({
  kind: object.kind,
  namespace: kindInfo(object.kind).namespaced ? (object.metadata.namespace ?? '') : '',
  name: object.metadata.name,
})

/** One string per key, for maps. */
export const keyText = (key: ObjectKey): string => `${key.kind}/${key.namespace}/${key.name}`

/** metav1.Time as it is written: RFC 3339 in UTC, whole seconds. */
export const kubernetesTimestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`

/** Metadata in the order the API writes it, with the server's fields set where given. */
export function withMetadata(object: ClusterObject, server: Partial<ObjectMeta>): ClusterObject {
  const meta = { ...object.metadata, ...server }
  const ordered: ObjectMeta = { name: meta.name }
  if (meta.namespace !== undefined) ordered.namespace = meta.namespace
  if (meta.uid !== undefined) ordered.uid = meta.uid
  if (meta.resourceVersion !== undefined) ordered.resourceVersion = meta.resourceVersion
  if (meta.creationTimestamp !== undefined) ordered.creationTimestamp = meta.creationTimestamp
  if (meta.labels !== undefined) ordered.labels = meta.labels
  if (meta.annotations !== undefined) ordered.annotations = meta.annotations
  return { ...object, metadata: ordered } as ClusterObject
}

/** The object as the store keeps it. */
export function toRecord(object: ClusterObject): ClusterObjectRecord {
  const key = keyOf(object)
  return {
    ...key,
    uid: object.metadata.uid ?? '',
    resourceVersion: Number(object.metadata.resourceVersion ?? '0'),
    body: JSON.stringify(object),
  }
}

/** The object a stored record holds; what was stored was checked when it was applied. */
export const fromRecord = (record: ClusterObjectRecord): ClusterObject =>
  JSON.parse(record.body) as ClusterObject

/** The same object without the fields only the server sets, for comparing what was applied. */
export function withoutServerFields(object: ClusterObject): ClusterObject {
  const metadata = { ...object.metadata }
  delete metadata.uid
  delete metadata.resourceVersion
  delete metadata.creationTimestamp
  return { ...object, metadata } as ClusterObject
}

/** The label the apiserver sets on every namespace to its name (Kubernetes 1.22 and later). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name'

/** The namespaces a cluster starts with, as an apiserver creates them. */
export function systemNamespaces(now: Date, newUid: () => string): Namespace[] {
  return SYSTEM_NAMESPACES.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: newUid(),
      creationTimestamp: kubernetesTimestamp(now),
      labels: { [NAMESPACE_NAME_LABEL]: name },
    },
  }))
}
