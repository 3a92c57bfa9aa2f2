// The parts of a Pod (core/v1) the mutation reads, checked once where the AdmissionReview's object
// enters: a field of the wrong JSON type is refused in the words of Go's encoding/json, as the
// upstream webhook's json.Unmarshal into corev1.Pod refuses it. Fields it does not read pass
// through untouched, since the patch only adds.

/** One container (or init container): where it is, and the names it already has. */
export interface ContainerView {
  name: string
  /** Names of its env entries; undefined when it has no env list (absent or null). */
  env: readonly string[] | undefined
  /** Names of the volumes it mounts; undefined when it has no volumeMounts list. */
  volumeMounts: readonly string[] | undefined
}

export interface PodView {
  name: string
  generateName: string
  /** The pod's own namespace field ('' when absent); the request's namespace decides. */
  namespace: string
  serviceAccountName: string
  annotations: Readonly<Record<string, string>>
  /** Whether metadata.labels is a map (Go's non-nil map), so a label can be added inside it. */
  hasLabels: boolean
  labels: Readonly<Record<string, string>>
  nodeSelector: Readonly<Record<string, string>>
  /** Names of the pod's volumes; undefined when it has no volumes list. */
  volumes: readonly string[] | undefined
  containers: readonly ContainerView[]
  initContainers: readonly ContainerView[]
}

/** A Pod that json.Unmarshal would refuse. */
export class PodDecodeError extends Error {
  override readonly name = 'PodDecodeError'
}

type Json = unknown

const jsonType = (value: Json): string => {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'object' : typeof value
}

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads one Go struct: `struct` names its type and `path` where it is, for the messages. */
class StructReader {
  constructor(
    private readonly value: Record<string, Json>,
    private readonly type: string,
    private readonly path: string,
  ) {}

  private refuse(field: string, goType: string, actual: Json): never {
    const where = this.path === '' ? field : `${this.path}.${field}`
    throw new PodDecodeError(
      `json: cannot unmarshal ${jsonType(actual)} into Go struct field ${this.type}.${where} of type ${goType}`,
    )
  }

  /** A string; absent or null reads as ''. */
  string(field: string): string {
    const value = this.value[field]
    if (value === undefined || value === null) return ''
    if (typeof value !== 'string') this.refuse(field, 'string', value)
    return value
  }

  /** A nested struct, or undefined when absent or null. */
  struct(field: string, type: string): StructReader | undefined {
    const value = this.value[field]
    if (value === undefined || value === null) return undefined
    if (!isObject(value)) this.refuse(field, `v1.${type}`, value)
    return new StructReader(value, type, this.path === '' ? field : `${this.path}.${field}`)
  }

  /** A map[string]string, or undefined when absent or null. */
  stringMap(field: string): Record<string, string> | undefined {
    const value = this.value[field]
    if (value === undefined || value === null) return undefined
    if (!isObject(value)) this.refuse(field, 'map[string]string', value)
    const map: Record<string, string> = {}
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') this.refuse(field, 'string', entry)
      // Own properties only, so a key named __proto__ is a key like any other.
      Object.defineProperty(map, key, { value: entry, enumerable: true })
    }
    return map
  }

  /** A list of structs, each read by `read`; undefined when absent or null. */
  list<T>(field: string, type: string, read: (item: StructReader) => T): T[] | undefined {
    const value = this.value[field]
    if (value === undefined || value === null) return undefined
    if (!Array.isArray(value)) this.refuse(field, `[]v1.${type}`, value)
    const at = this.path === '' ? field : `${this.path}.${field}`
    return value.map((item: Json) => {
      // A null element decodes as the zero value, whose name is ''.
      if (item === null) return read(new StructReader({}, type, at))
      if (!isObject(item)) this.refuse(field, `v1.${type}`, item)
      return read(new StructReader(item, type, at))
    })
  }
}

const named = (item: StructReader) => item.string('name')

function readContainer(container: StructReader): ContainerView {
  return {
    name: container.string('name'),
    env: container.list('env', 'EnvVar', named),
    volumeMounts: container.list('volumeMounts', 'VolumeMount', named),
  }
}

/** The Pod in an AdmissionReview's object, or a PodDecodeError saying what Go would refuse. */
export function readPod(object: Json): PodView {
  if (!isObject(object)) {
    throw new PodDecodeError(
      `json: cannot unmarshal ${jsonType(object)} into Go value of type v1.Pod`,
    )
  }
  const pod = new StructReader(object, 'Pod', '')
  const metadata = pod.struct('metadata', 'ObjectMeta')
  const spec = pod.struct('spec', 'PodSpec')
  const labels = metadata?.stringMap('labels')
  const serviceAccountName = spec?.string('serviceAccountName') ?? ''
  return {
    name: metadata?.string('name') ?? '',
    generateName: metadata?.string('generateName') ?? '',
    namespace: metadata?.string('namespace') ?? '',
    // The deprecated `serviceAccount` is the same field under its old name.
    serviceAccountName:
      serviceAccountName === '' ? (spec?.string('serviceAccount') ?? '') : serviceAccountName,
    annotations: metadata?.stringMap('annotations') ?? {},
    hasLabels: labels !== undefined,
    labels: labels ?? {},
    nodeSelector: spec?.stringMap('nodeSelector') ?? {},
    volumes: spec?.list('volumes', 'Volume', named),
    containers: spec?.list('containers', 'Container', readContainer) ?? [],
    initContainers: spec?.list('initContainers', 'Container', readContainer) ?? [],
  }
}
