// meta.k8s.io/v1 Tables, what `kubectl get` prints from: the apiserver's columns for the kinds
// rolegate stores (pkg/printers/internalversion) and the default Name / Created At otherwise.
import type { ClusterObject } from '../objects.js'

interface Column {
  name: string
  type: string
  format: string
  description: string
  priority: number
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
}
const CREATED_AT: Column = {
  name: 'Created At',
  type: 'date',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
}
const AGE: Column = {
  name: 'Age',
  type: 'string',
  format: '',
  description: CREATED_AT.description,
  priority: 0,
}
const column = (name: string, description: string, priority = 0): Column => ({
  name,
  type: 'string',
  format: '',
  description,
  priority,
})

/** apimachinery's duration.HumanDuration: the Age column's wording. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.trunc(seconds / 60)
  if (minutes < 10) {
    const rest = seconds % 60
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.trunc(minutes / 60)
  if (hours < 8) {
    const rest = minutes % 60
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const rest = hours % 24
    return rest === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${rest}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365
    const years = Math.trunc(hours / 24 / 365)
    return days === 0 ? `${years}y` : `${years}y${days}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

const age = (object: ClusterObject, now: Date): string => {
  const created = object.metadata.creationTimestamp
  return created === undefined ? '<unknown>' : humanDuration(now.getTime() - Date.parse(created))
}

const subjectsOf = (object: ClusterObject, kind: string): string =>
  'subjects' in object
    ? (object.subjects ?? [])
        .filter((subject) => subject.kind === kind)
        .map((subject) =>
          kind === 'ServiceAccount' ? `${subject.namespace ?? ''}/${subject.name}` : subject.name,
        )
        .join(', ')
    : ''

interface Printer {
  columns: Column[]
  cells(object: ClusterObject, now: Date): unknown[]
}

const BINDING: Printer = {
  columns: [
    NAME,
    column('Role', 'RoleRef is the reference to the role this binding grants.'),
    AGE,
    column('Users', 'Users in the binding', 1),
    column('Groups', 'Groups in the binding', 1),
    column('ServiceAccounts', 'ServiceAccounts in the binding', 1),
  ],
  cells: (object, now) => [
    object.metadata.name,
    'roleRef' in object ? `${object.roleRef.kind}/${object.roleRef.name}` : '',
    age(object, now),
    subjectsOf(object, 'User'),
    subjectsOf(object, 'Group'),
    subjectsOf(object, 'ServiceAccount'),
  ],
}

const PRINTERS: Partial<Record<ClusterObject['kind'], Printer>> = {
  Namespace: {
    columns: [NAME, column('Status', 'The status of the namespace'), AGE],
    cells: (object, now) => [object.metadata.name, 'Active', age(object, now)],
  },
  ServiceAccount: {
    columns: [
      NAME,
      column(
        'Secrets',
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      ),
      AGE,
    ],
    cells: (object, now) => [object.metadata.name, 0, age(object, now)],
  },
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
}

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, CREATED_AT],
  cells: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? null],
}

/** The Table for a list of objects of one kind (the kind's columns even when empty). */
export function table(
  kind: string,
  objects: readonly ClusterObject[],
  resourceVersion: string,
  now: Date,
): object {
  const printer = PRINTERS[kind as ClusterObject['kind']] ?? DEFAULT_PRINTER
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({
      cells: printer.cells(object, now),
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: object.metadata,
      },
    })),
  }
}
