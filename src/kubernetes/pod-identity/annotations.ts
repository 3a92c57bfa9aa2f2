// The annotations amazon-eks-pod-identity-webhook reads (pkg/annotations.go), read as it reads
// them: Go's strconv.ParseBool and ParseInt, the lifetime floor of pkg/validation.go, and the
// first record of encoding/csv for `skip-containers`. A value Go would refuse is ignored.

/** The annotation domain of EKS's webhook (its `--annotation-prefix` default). */
export const ANNOTATION_DOMAIN = 'eks.amazonaws.com'

export const ROLE_ARN_ANNOTATION = `${ANNOTATION_DOMAIN}/role-arn`
export const AUDIENCE_ANNOTATION = `${ANNOTATION_DOMAIN}/audience`
export const REGIONAL_STS_ANNOTATION = `${ANNOTATION_DOMAIN}/sts-regional-endpoints`
export const TOKEN_EXPIRATION_ANNOTATION = `${ANNOTATION_DOMAIN}/token-expiration`
export const SKIP_CONTAINERS_ANNOTATION = `${ANNOTATION_DOMAIN}/skip-containers`

/** The audience a projected token gets when the service account names none. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com'

/** pkg/constants.go: 24 hours by default, and never under the kube-apiserver's 10 minutes. */
export const DEFAULT_TOKEN_EXPIRATION = 86400
export const MIN_TOKEN_EXPIRATION = 600
/** The lower end of the jitter container-credentials mode puts on a default lifetime. */
export const DEFAULT_MIN_TOKEN_EXPIRATION = 79200

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

/** strconv.ParseBool: undefined where Go answers an error. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  return undefined
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** strconv.ParseInt(text, 10, 64): undefined where Go answers an error (syntax or range). */
export function parseGoInt64(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined
  const value = BigInt(text)
  if (value < INT64_MIN || value > INT64_MAX) return undefined
  return Number(value)
}

/** pkg.ValidateMinTokenExpiration: a lifetime under ten minutes becomes ten minutes. */
export const atLeastMinimum = (seconds: number): number => Math.max(seconds, MIN_TOKEN_EXPIRATION)

/** A token lifetime annotation as the webhook reads it, or undefined when Go would not parse it. */
export function tokenExpiration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const seconds = parseGoInt64(text)
  return seconds === undefined ? undefined : atLeastMinimum(seconds)
}

/**
 * The container names of `skip-containers`: the first record of the value read as encoding/csv
 * reads it (comma-separated, RFC 4180 quotes, no trimming); none when Go's reader errs.
 */
export function containersToSkip(value: string | undefined): ReadonlySet<string> {
  if (value === undefined) return new Set()
  const record = firstCsvRecord(value)
  return new Set(record ?? [])
}

/** The first record of csv.NewReader(text).Read(), or undefined where it answers an error. */
export function firstCsvRecord(text: string): string[] | undefined {
  // The reader reads "\r\n" as "\n" and skips empty lines before the first record.
  const input = text.replace(/\r\n/g, '\n').replace(/^\n+/, '')
  if (input === '') return undefined
  const fields: string[] = []
  let at = 0
  for (;;) {
    if (input[at] === '"') {
      let field = ''
      at += 1
      for (;;) {
        const quote = input.indexOf('"', at)
        // A quoted field must be closed (ErrQuote, with LazyQuotes off).
        if (quote < 0) return undefined
        field += input.slice(at, quote)
        const next = input[quote + 1]
        if (next === '"') {
          field += '"'
          at = quote + 2
          continue
        }
        fields.push(field)
        at = quote + 1
        break
      }
      const next = input[at]
      if (next === ',') {
        at += 1
        continue
      }
      if (next === undefined || next === '\n') return fields
      return undefined
    }
    const end = input.slice(at).search(/[,\n]/)
    const field = end < 0 ? input.slice(at) : input.slice(at, at + end)
    // A quote inside an unquoted field is ErrBareQuote.
    if (field.includes('"')) return undefined
    fields.push(field)
    if (end < 0 || input[at + end] === '\n') return fields
    at += end + 1
  }
}
