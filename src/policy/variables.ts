// Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`): a policy value
// is split once into parts so a request only looks values up; a substituted value is always literal.
// Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

/** A piece of a policy value: pattern text (wildcards live), literal text, or a variable. */
export type TemplatePart =
  | { kind: 'pattern'; text: string }
  | { kind: 'literal'; text: string }
  | { kind: 'variable'; key: string; lowerKey: string; fallback?: string }

export interface Template {
  readonly source: string
  readonly parts: readonly TemplatePart[]
  /** Lower-cased keys of the variables used, for missing-key reports and GetContextKeys*. */
  readonly variableKeys: readonly string[]
}

/** Where a variable's value comes from: the request context, single-valued keys only. */
export interface VariableSource {
  /** The value for a lower-cased key, or undefined when the key is absent or multi-valued. */
  variable(lowerKey: string): string | undefined
}

const SPECIAL: Record<string, string> = { '*': '*', '?': '?', $: '$' }

/**
 * Splits a policy value into parts. Variables exist only in 2012-10-17 policies; in older ones
 * (or when `enabled` is false) `${...}` is plain text, as AWS documents.
 */
export function parseTemplate(text: string, enabled: boolean): Template {
  if (!enabled || !text.includes('${')) {
    return { source: text, parts: [{ kind: 'pattern', text }], variableKeys: [] }
  }
  const parts: TemplatePart[] = []
  const keys: string[] = []
  let pending = ''
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('${', i)
    if (open < 0) break
    const close = text.indexOf('}', open + 2)
    if (close < 0) break
    pending += text.slice(i, open)
    const inner = text.slice(open + 2, close)
    const special = SPECIAL[inner]
    if (pending !== '') parts.push({ kind: 'pattern', text: pending })
    pending = ''
    if (special !== undefined) {
      parts.push({ kind: 'literal', text: special })
    } else {
      const variable = parseVariable(inner)
      parts.push(variable)
      if (!keys.includes(variable.lowerKey)) keys.push(variable.lowerKey)
    }
    i = close + 1
  }
  pending += text.slice(i)
  if (pending !== '') parts.push({ kind: 'pattern', text: pending })
  return { source: text, parts, variableKeys: keys }
}

/** `aws:PrincipalTag/team, 'none'` -> key and default value. */
function parseVariable(inner: string): Extract<TemplatePart, { kind: 'variable' }> {
  const match = /^(.*?)\s*,\s*'(.*)'\s*$/s.exec(inner)
  if (match !== null) {
    const key = match[1]!.trim()
    return { kind: 'variable', key, lowerKey: key.toLowerCase(), fallback: match[2]! }
  }
  const key = inner.trim()
  return { kind: 'variable', key, lowerKey: key.toLowerCase() }
}

export const isPlainTemplate = (template: Template): boolean =>
  template.parts.length === 1 && template.parts[0]!.kind === 'pattern'

/** A template resolved against a request: parts with wildcards live, and literal parts. */
export type ResolvedPart = { text: string; literal: boolean }

/**
 * Resolves the variables of a template. Returns undefined when a variable has neither a value
 * nor a default: AWS then treats the element as not matching.
 */
export function resolveTemplate(
  template: Template,
  source: VariableSource,
): ResolvedPart[] | undefined {
  const out: ResolvedPart[] = []
  for (const part of template.parts) {
    if (part.kind === 'pattern') out.push({ text: part.text, literal: false })
    else if (part.kind === 'literal') out.push({ text: part.text, literal: true })
    else {
      const value = source.variable(part.lowerKey) ?? part.fallback
      if (value === undefined) return undefined
      out.push({ text: value, literal: true })
    }
  }
  return out
}

/** The template as one plain string (for operators without wildcards, e.g. StringEquals). */
export function resolveToString(template: Template, source: VariableSource): string | undefined {
  if (template.variableKeys.length === 0 && isPlainTemplate(template)) return template.source
  let out = ''
  for (const part of template.parts) {
    if (part.kind !== 'variable') out += part.text
    else {
      const value = source.variable(part.lowerKey) ?? part.fallback
      if (value === undefined) return undefined
      out += value
    }
  }
  return out
}

/** The first variable key of the template that the request cannot resolve. */
export function unresolvedKey(template: Template, source: VariableSource): string | undefined {
  for (const part of template.parts) {
    if (part.kind !== 'variable' || part.fallback !== undefined) continue
    if (source.variable(part.lowerKey) === undefined) return part.key
  }
  return undefined
}
