// The face's clusters and object writes over the store: clusters found by name through the
// per-generation snapshots, and single-object create, update and delete as kubectl asks for them,
// each in one transaction and checked by the same named checks `cluster apply` runs (strict
// decoding, defaults, validation, aws-auth, the namespace's existence, roleRef), in the apiserver's
// Status: AlreadyExists, NotFound, Conflict, Invalid.
import type { IdSource } from '../../core/ids.js'
import type { Clock } from '../../core/clock.js'
import type { Store } from '../../store/ports.js'
import { planApply } from '../cluster-apply.js'
import { formatFieldError, goQuote } from '../cluster-field-errors.js'
import type { FieldError } from '../cluster-field-errors.js'
import { validateClusterObject, validateClusterObjectUpdate } from '../cluster-object-validation.js'
import { IMMORTAL_NAMESPACES, kindInfo, qualifiedResource } from '../cluster-kinds.js'
import { fromRecord, keyOf, toRecord, withMetadata } from '../cluster-objects.js'
import type { ClusterSnapshots } from '../cluster-snapshots.js'
import type { ClusterObject, ClusterRecord, ClusterSnapshot } from '../objects.js'
import type { ClusterDirectory, ClusterObjectWriter, ObjectKey } from './ports.js'
import { StatusError, alreadyExists, badRequest, conflict, failure, notFound } from './status.js'
import type { StatusCause } from './status.js'

/** Clusters by the name in `/clusters/NAME`: names are per account, so one account must own it. */
export function clusterDirectory(clusters: ClusterSnapshots): ClusterDirectory {
  return {
    async snapshot(name: string): Promise<ClusterSnapshot | undefined> {
      const records = await clusters.withName(name)
      const [only, other] = records
      if (only === undefined) return undefined
      if (other !== undefined) {
        throw new StatusError(
          failure(
            409,
            'Conflict',
            `the cluster name ${goQuote(name)} is used by several accounts (${records.map((record) => record.accountId).join(', ')}); rename all but one to reach it at /clusters/${name}`,
          ),
        )
      }
      return clusters.get(only.accountId, name)
    },
  }
}

/** The apply check's message without the document it names (there is one document). */
const problemText = (problem: string): string => problem.replace(/^document \d+ \(line \d+\): /, '')

/** metav1.CauseType of each field error type (k8s.io/apimachinery/pkg/util/validation/field). */
const CAUSE_TYPES: Readonly<Record<FieldError['type'], string>> = {
  'Required value': 'FieldValueRequired',
  'Invalid value': 'FieldValueInvalid',
  'Unsupported value': 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  'Too long': 'FieldValueTooLong',
  'Duplicate value': 'FieldValueDuplicate',
}

/**
 * The causes of an Invalid, as NewInvalid lists them (kubectl prints them after "is invalid:"):
 * each field error's type, its message without the field, and the field.
 */
function causesOf(object: ClusterObject, existing: ClusterObject | undefined): StatusCause[] {
  const errors = validateClusterObject(kindInfo(object.kind), object)
  if (existing !== undefined) errors.push(...validateClusterObjectUpdate(object, existing))
  return errors.map((error) => ({
    reason: CAUSE_TYPES[error.type],
    message: formatFieldError(error).slice(error.field.length + 2),
    field: error.field,
  }))
}

/** A refusal of the apply checks as the apiserver's Status for the same refusal. */
function refusal(
  problems: readonly string[],
  object: ClusterObject,
  existing: ClusterObject | undefined,
): StatusError {
  const message = problems.map(problemText).join('; ')
  const missingNamespace = /^namespaces "([^"]*)" not found$/.exec(message)
  if (missingNamespace) {
    return new StatusError(notFound('', 'namespaces', missingNamespace[1] ?? ''))
  }
  if (message.includes(' is invalid: ')) {
    const info = kindInfo(object.kind)
    return new StatusError(
      failure(422, 'Invalid', message, {
        name: object.metadata.name,
        ...(info.group === '' ? {} : { group: info.group }),
        kind: object.kind,
        causes: causesOf(object, existing),
      }),
    )
  }
  return new StatusError(badRequest(message))
}

export interface StoreWriterDeps {
  store: Pick<Store, 'transaction'>
  clock: Clock
  ids: Pick<IdSource, 'requestId'>
}

/** Single-object writes through the store, one transaction each. */
export function storeObjectWriter(deps: StoreWriterDeps): ClusterObjectWriter {
  const { store } = deps

  /** Checks and writes one object over the cluster's current objects, as `cluster apply` would. */
  async function write(
    cluster: ClusterRecord,
    object: ClusterObject,
    expect: 'absent' | 'present',
  ): Promise<ClusterObject> {
    return store.transaction(async (repo) => {
      const { accountId, name } = cluster
      const key = keyOf(object)
      const info = kindInfo(object.kind)
      const stored = await repo.clusters.getObject(
        accountId,
        name,
        key.kind,
        key.namespace,
        key.name,
      )
      const existing = stored === undefined ? undefined : fromRecord(stored)
      if (expect === 'absent' && existing !== undefined) {
        throw new StatusError(alreadyExists(info.group, info.resource, key.name))
      }
      if (expect === 'present') {
        if (existing === undefined) {
          throw new StatusError(notFound(info.group, info.resource, key.name))
        }
        const version = object.metadata.resourceVersion
        if (version !== undefined && version !== existing.metadata.resourceVersion) {
          throw new StatusError(
            conflict(
              info.group,
              info.resource,
              key.name,
              'the object has been modified; please apply your changes to the latest version and try again',
            ),
          )
        }
      }
      const current = (await repo.clusters.listObjects(accountId, name)).map(fromRecord)
      const outcome = planApply(JSON.stringify(object), current, {
        namespace: key.namespace === '' ? undefined : key.namespace,
        now: deps.clock.now(),
        newUid: () => deps.ids.requestId(),
      })
      if (!outcome.ok) throw refusal(outcome.problems, object, existing)
      const planned = outcome.plan.writes[0]
      // Unchanged: nothing to write, the stored object is the answer.
      if (planned === undefined) return existing ?? object
      const version = await repo.clusters.reserveResourceVersions(accountId, name, 1)
      const written = withMetadata(planned, { resourceVersion: String(version) })
      await repo.clusters.putObject(accountId, name, toRecord(written))
      return written
    })
  }

  return {
    create: (cluster, object) => write(cluster, object, 'absent'),
    update: (cluster, object) => write(cluster, object, 'present'),
    delete(cluster: ClusterRecord, key: ObjectKey): Promise<ClusterObject> {
      return store.transaction(async (repo) => {
        const { accountId, name } = cluster
        const info = kindInfo(key.kind)
        const stored = await repo.clusters.getObject(
          accountId,
          name,
          key.kind,
          key.namespace,
          key.name,
        )
        if (stored === undefined) {
          throw new StatusError(notFound(info.group, info.resource, key.name))
        }
        if (key.kind === 'Namespace') {
          if (IMMORTAL_NAMESPACES.includes(key.name)) {
            throw new StatusError(
              failure(
                403,
                'Forbidden',
                `${qualifiedResource(info)} ${goQuote(key.name)} is forbidden: this namespace may not be deleted`,
                { name: key.name, kind: info.resource },
              ),
            )
          }
          // What the namespace holds goes with it, as the namespace controller deletes it.
          for (const inside of await repo.clusters.listObjects(accountId, name, {
            namespace: key.name,
          })) {
            await repo.clusters.deleteObject(
              accountId,
              name,
              inside.kind,
              inside.namespace,
              inside.name,
            )
          }
        }
        await repo.clusters.deleteObject(accountId, name, key.kind, key.namespace, key.name)
        return fromRecord(stored)
      })
    },
  }
}
