// PATCH bodies as kubectl sends them: JSON merge patch (RFC 7386), strategic merge patch (what
// `kubectl apply` and `kubectl patch` send for built-in kinds) and JSON patch (RFC 6902). Keys come
// from the client, so every write defines an own property: `__proto__` stays an ordinary key.
import { isJsonObject } from './json-input.js'
import type { JsonObject } from './json-input.js'

/** A patch that cannot be applied; its message goes into a 422 or 400 Status. */
export class PatchError extends Error {
  override readonly name = 'PatchError'
}

const setKey = (object: JsonObject, key: string, value: unknown): void => {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

const copy = <T>(value: T): T => structuredClone(value)

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return copy(patch)
  const result: JsonObject = isJsonObject(target) ? copy(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else setKey(result, key, mergePatch(result[key], value))
  }
  return result
}

/**
 * Strategic merge patch over rolegate's kinds. Their lists (rules, subjects, verbs, ...) carry no
 * patch merge key, so a list in the patch replaces the list, and the rest is a merge patch with
 * the directives: `$patch: replace` and `$patch: delete` on a map; `$setElementOrder/...` and
 * `$retainKeys` only order or prune lists and unions these kinds do not have, so are skipped.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return copy(patch)
  const directive = patch['$patch']
  if (directive === 'replace') {
    const rest = { ...patch }
    delete rest['$patch']
    return strategicMergePatch({}, rest)
  }
  if (directive !== undefined && directive !== 'merge') {
    throw new PatchError(
      `Unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`,
    )
  }
  const result: JsonObject = isJsonObject(target) ? copy(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length)
      const current = result[field]
      if (Array.isArray(current) && Array.isArray(value)) {
        setKey(
          result,
          field,
          current.filter((item) => !value.includes(item)),
        )
      }
      continue
    }
    if (key.startsWith('$')) throw new PatchError(`unknown patch directive ${key}`)
    if (value === null) {
      delete result[key]
    } else if (isJsonObject(value) && value['$patch'] === 'delete') {
      delete result[key]
    } else {
      setKey(result, key, strategicMergePatch(result[key], value))
    }
  }
  return result
}

/** RFC 6901: a JSON pointer's reference tokens. */
function pointerTokens(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) {
    throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`)
  }
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/** The container of the pointer's last token, and that token. */
function parentOf(document: unknown, tokens: readonly string[]): [unknown, string] {
  let node = document
  for (const token of tokens.slice(0, -1)) {
    node = child(node, token)
    if (node === undefined) throw new PatchError(`path /${tokens.join('/')} does not exist`)
  }
  return [node, tokens[tokens.length - 1] ?? '']
}

function child(node: unknown, token: string): unknown {
  if (Array.isArray(node)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return undefined
    return node[Number(token)]
  }
  if (isJsonObject(node) && Object.hasOwn(node, token)) return node[token]
  return undefined
}

function arrayIndex(list: unknown[], token: string, adding: boolean): number {
  if (adding && token === '-') return list.length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index ${token}`)
  const index = Number(token)
  if (index > list.length || (!adding && index === list.length)) {
    throw new PatchError(`array index ${index} out of bounds`)
  }
  return index
}

function remove(document: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document')
  const [parent, last] = parentOf(document, tokens)
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0]
  if (!isJsonObject(parent) || !Object.hasOwn(parent, last)) {
    throw new PatchError(`path /${tokens.join('/')} does not exist`)
  }
  const value = parent[last]
  delete parent[last]
  return value
}

function add(document: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value
  const [parent, last] = parentOf(document, tokens)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value)
  else if (isJsonObject(parent)) setKey(parent, last, value)
  else throw new PatchError(`path /${tokens.join('/')} does not exist`)
  return document
}

const deepEqual = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]))
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
    )
  }
  return a === b
}

/** RFC 6902: the operations in order; any failure fails the whole patch. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch is a list of operations')
  let document = copy(target)
  for (const operation of operations) {
    if (!isJsonObject(operation)) throw new PatchError('a JSON patch operation is an object')
    const tokens = pointerTokens(operation['path'])
    const needValue = () => {
      if (!Object.hasOwn(operation, 'value')) throw new PatchError(`operation has no value`)
      return copy(operation['value'])
    }
    switch (operation['op']) {
      case 'add':
        document = add(document, tokens, needValue())
        break
      case 'remove':
        remove(document, tokens)
        break
      case 'replace': {
        const value = needValue()
        if (tokens.length > 0) remove(document, tokens)
        document = add(document, tokens, value)
        break
      }
      case 'move': {
        const from = pointerTokens(operation['from'])
        document = add(document, tokens, remove(document, from))
        break
      }
      case 'copy': {
        const from = pointerTokens(operation['from'])
        const [parent, last] = parentOf(document, from)
        const value = child(parent, last)
        if (value === undefined)
          throw new PatchError(`path ${String(operation['from'])} does not exist`)
        document = add(document, tokens, copy(value))
        break
      }
      case 'test': {
        const [parent, last] = parentOf(document, tokens)
        const value = tokens.length === 0 ? document : child(parent, last)
        if (!deepEqual(value, operation['value'])) {
          throw new PatchError(`testing value ${String(operation['path'])} failed`)
        }
        break
      }
      default:
        throw new PatchError(`Unexpected kind: ${JSON.stringify(operation['op'])}`)
    }
  }
  return document
}

export const PATCH_TYPES = {
  'application/merge-patch+json': mergePatch,
  'application/strategic-merge-patch+json': strategicMergePatch,
  'application/json-patch+json': jsonPatch,
} as const
