// A Pod as the kube-apiserver holds it once decoded into its Go type: what two JSON documents of
// one Pod compare as. Fields Go's corev1 types do not define are dropped (json.Unmarshal ignores
// them), and so are zero values (null, '', false, 0, {} and []), which a Go struct cannot tell from
// absent ones: `resources: {}` and no resources are one Pod. The fields each message defines come
// from the upstream core/v1 .proto (JSON names are its field names).
import protobuf from 'protobufjs'
import { loadUpstreamProtos } from './kubernetes-protos.js'

/** Messages whose JSON form is not an object of their fields. */
const OPAQUE = new Set([
  '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  '.k8s.io.apimachinery.pkg.runtime.RawExtension',
])

const isZero = (value: unknown): boolean =>
  value === null ||
  value === '' ||
  value === false ||
  value === 0 ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0)

function decode(value: unknown, type: protobuf.Type | undefined): unknown {
  if (type === undefined || OPAQUE.has(type.fullName)) return value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const field = type.fields[key]
    if (!field) continue
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined
    let decoded: unknown
    if (field instanceof protobuf.MapField) {
      decoded =
        typeof item === 'object' && item !== null
          ? Object.fromEntries(
              Object.entries(item).map(([name, entry]) => [name, decode(entry, nested)]),
            )
          : item
    } else if (field.repeated && Array.isArray(item)) {
      decoded = item.map((entry) => decode(entry, nested))
    } else {
      decoded = decode(item, nested)
    }
    if (!isZero(decoded)) out[key] = decoded
  }
  return out
}

let podType: protobuf.Type | undefined

/** `pod` as Go's corev1.Pod reads it, apiVersion and kind kept. */
export function decodedPod(pod: Record<string, unknown>): Record<string, unknown> {
  podType ??= loadUpstreamProtos().lookupType('k8s.io.api.core.v1.Pod')
  const decoded = decode(pod, podType) as Record<string, unknown>
  return { apiVersion: pod['apiVersion'], kind: pod['kind'], ...decoded }
}
