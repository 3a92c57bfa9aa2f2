// The upstream Kubernetes .proto files of ../shared/corpora/kubernetes/proto, loaded with
// protobufjs' parser: the oracle rolegate's own protobuf schema and JSON bodies are held to.
import { join } from 'node:path'
import protobuf from 'protobufjs'
import { corpus } from './requirements.js'

export const PROTO_CORPUS = corpus('kubernetes/proto')

const FILES = [
  'k8s.io/api/authentication/v1/generated.proto',
  'k8s.io/api/authorization/v1/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/rbac/v1/generated.proto',
]

/** Every upstream message the four API files and their imports define, resolved. */
export function loadUpstreamProtos(): protobuf.Root {
  const root = new protobuf.Root()
  // Imports are written from the corpus root (`k8s.io/apimachinery/...`).
  root.resolvePath = (_origin, target) => join(PROTO_CORPUS.path, target)
  root.loadSync(FILES, { keepCase: true })
  root.resolveAll()
  return root
}

/**
 * The paths in a JSON body that its upstream message does not define, or defines with another
 * type; [] when every field is one of the message's (JSON names are the proto field names).
 */
export function protoMismatches(value: unknown, type: protobuf.Type, path = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path || '.'}: expected an object for ${type.fullName}`]
  }
  const problems: string[] = []
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    if ((key === 'apiVersion' || key === 'kind') && path === '') continue
    const field = type.fields[key]
    if (!field) {
      problems.push(`${at}: no field ${key} in ${type.fullName}`)
      continue
    }
    if (item === null) continue
    const check = (element: unknown, where: string): void => {
      const nested = field.resolvedType
      if (nested instanceof protobuf.Type) {
        if (nested.fullName === '.k8s.io.apimachinery.pkg.apis.meta.v1.Time') {
          if (typeof element !== 'string') problems.push(`${where}: a Time is an RFC 3339 string`)
          return
        }
        // ExtraValue is a list of strings in JSON.
        if (nested.name === 'ExtraValue') {
          if (!Array.isArray(element) || element.some((entry) => typeof entry !== 'string')) {
            problems.push(`${where}: an ExtraValue is a list of strings`)
          }
          return
        }
        problems.push(...protoMismatches(element, nested, where))
        return
      }
      const expected =
        field.type === 'bool' ? 'boolean' : field.type === 'string' ? 'string' : 'number'
      if (typeof element !== expected) problems.push(`${where}: ${field.type} expected`)
    }
    if (field instanceof protobuf.MapField) {
      if (typeof item !== 'object' || Array.isArray(item)) problems.push(`${at}: a map expected`)
      else for (const [name, entry] of Object.entries(item)) check(entry, `${at}.${name}`)
    } else if (field.repeated) {
      if (!Array.isArray(item)) problems.push(`${at}: a list expected`)
      else item.forEach((entry, index) => check(entry, `${at}[${index}]`))
    } else {
      check(item, at)
    }
  }
  return problems
}
