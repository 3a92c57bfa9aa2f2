// Wildcard matching for the policy language: `*` and `?` in actions, string conditions, Resource
// ARNs and ArnLike, each compiled once into the cheapest test (equality, prefix or RegExp).
// ARN rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html

import type { ResolvedPart, Template, VariableSource } from './variables.js'
import { isPlainTemplate, resolveTemplate } from './variables.js'

/**
 * plain: `*` is any run of characters, `?` any one character (Action, StringLike).
 * resource: ARN rules of the Resource element: in the five segments before the resource part a
 *   wildcard stays inside its segment, except that a `*` ending a segment may run past the colon;
 *   in the resource part both match anything.
 * arn: ArnLike/ArnEquals: each of the first five segments is matched on its own (a `*` ending the
 *   whole pattern still covers the rest); the resource part behaves as in `resource`.
 */
export type GlobMode = 'plain' | 'resource' | 'arn'

export interface GlobOptions {
  mode: GlobMode
  ignoreCase?: boolean
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g
const escapeRegex = (text: string): string => text.replace(REGEX_SPECIAL, '\\$&')

/** The RegExp source for parts whose non-literal text holds live wildcards. */
export function globSource(parts: readonly ResolvedPart[], mode: GlobMode): string {
  const chars: { ch: string; wild: boolean }[] = []
  for (const part of parts) for (const ch of part.text) chars.push({ ch, wild: !part.literal })
  let out = ''
  let colons = 0
  for (let i = 0; i < chars.length; i++) {
    const { ch, wild } = chars[i]!
    if (ch === ':') colons++
    if (!wild || (ch !== '*' && ch !== '?')) {
      out += escapeRegex(ch)
      continue
    }
    const inResourcePart = mode === 'plain' || colons >= 5
    if (ch === '?') {
      out += inResourcePart ? '[^]' : '[^:]'
      continue
    }
    const last = i === chars.length - 1
    const endsSegment = mode === 'resource' && chars[i + 1]?.ch === ':'
    out += inResourcePart || last || endsSegment ? '[^]*' : '[^:]*'
  }
  return out
}

/** A compiled test for one pattern without variables. */
export type Glob = (value: string) => boolean

const always: Glob = () => true

/** Compiles a pattern (its `*`/`?` live) into the cheapest equivalent test. */
export function compileGlob(pattern: string, options: GlobOptions): Glob {
  return compileParts([{ text: pattern, literal: false }], options)
}

function compileParts(parts: readonly ResolvedPart[], options: GlobOptions): Glob {
  const ignoreCase = options.ignoreCase === true
  const wildAt: number[] = []
  let text = ''
  for (const part of parts) {
    if (!part.literal) {
      for (let i = 0; i < part.text.length; i++) {
        const ch = part.text[i]
        if (ch === '*' || ch === '?') wildAt.push(text.length + i)
      }
    }
    text += part.text
  }
  if (wildAt.length === 0) {
    if (!ignoreCase) return (value) => value === text
    const lower = text.toLowerCase()
    return (value) => value.length === lower.length && value.toLowerCase() === lower
  }
  if (text === '*') return always
  const only = wildAt[0]!
  const source = globSource(parts, options.mode)
  // A single trailing `*` that may cross colons is a prefix test.
  if (wildAt.length === 1 && only === text.length - 1 && text[only] === '*') {
    if (source.endsWith('[^]*')) {
      const prefix = ignoreCase ? text.slice(0, -1).toLowerCase() : text.slice(0, -1)
      if (ignoreCase) return (value) => value.toLowerCase().startsWith(prefix)
      return (value) => value.startsWith(prefix)
    }
  }
  const regex = new RegExp(`^${source}$`, ignoreCase ? 'i' : '')
  return (value) => regex.test(value)
}

/** A pattern that may contain policy variables. Returns undefined when a variable is unresolved. */
export interface TemplateGlob {
  readonly template: Template
  test(value: string, source: VariableSource): boolean | undefined
}

const CACHE_LIMIT = 128

/**
 * Compiles a template pattern. Without variables the glob is built once; with variables, the
 * glob for each distinct resolved text is built on first use and kept in a small bounded cache.
 */
export function compileTemplateGlob(template: Template, options: GlobOptions): TemplateGlob {
  if (isPlainTemplate(template)) {
    const glob = compileGlob(template.source, options)
    return { template, test: (value) => glob(value) }
  }
  if (template.variableKeys.length === 0) {
    const glob = compileParts(
      template.parts.map((part) => ({
        text: part.kind === 'variable' ? '' : part.text,
        literal: part.kind === 'literal',
      })),
      options,
    )
    return { template, test: (value) => glob(value) }
  }
  const cache = new Map<string, Glob>()
  const variables = template.parts.filter((part) => part.kind === 'variable')
  return {
    template,
    test(value, source) {
      // The cache key is the variables' values; the rest of the template never changes.
      let key = ''
      for (const part of variables) {
        const resolved = source.variable(part.lowerKey) ?? part.fallback
        if (resolved === undefined) return undefined
        key += `${resolved}\u0000`
      }
      let glob = cache.get(key)
      if (glob === undefined) {
        glob = compileParts(resolveTemplate(template, source)!, options)
        if (cache.size >= CACHE_LIMIT) cache.clear()
        cache.set(key, glob)
      }
      return glob(value)
    },
  }
}
