// The apiserver's validation vocabulary, worded exactly as Kubernetes words it: field errors
// (k8s.io/apimachinery/pkg/util/validation/field/errors.go), the name and label checks of
// k8s.io/apimachinery/pkg/util/validation and api/validation/path, and the Invalid status message
// (k8s.io/apimachinery/pkg/api/errors NewInvalid) that kubectl prints after "The ... is invalid".

export type FieldErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Too long'
  | 'Duplicate value'

/** A value as Go's %#v prints it, for values that are not plain strings (lists, structs). */
export interface GoValue {
  goSyntax: string
}

export interface FieldError {
  /** The field path, e.g. `metadata.name`, `rules[0].verbs`, `data[mapRoles]`. */
  field: string
  type: FieldErrorType
  value?: string | number | boolean | GoValue
  detail: string
}

/** Go's %q of a string (strconv.Quote): JSON's escapes, control bytes as \xNN. */
export function goQuote(value: string): string {
  return JSON.stringify(value).replace(/\\u00([0-7][0-9a-f])/g, (_m, hex: string) => {
    const code = Number.parseInt(hex, 16)
    return code === 0x7f || code < 0x20 ? `\\x${hex}` : String.fromCharCode(code)
  })
}

/** `[]string{"a", "b"}`: a string list as %#v prints it. */
export const goStrings = (values: readonly string[]): GoValue => ({
  goSyntax: `[]string{${values.map(goQuote).join(', ')}}`,
})

/** Error.Error(): `field: Type: "value": detail`, with the value left out where Go leaves it out. */
export function formatFieldError(error: FieldError): string {
  let body: string = error.type
  const omitsValue =
    error.type === 'Required value' || error.type === 'Forbidden' || error.type === 'Too long'
  if (!omitsValue) {
    const value = error.value ?? ''
    body +=
      typeof value === 'string'
        ? `: ${goQuote(value)}`
        : typeof value === 'object'
          ? `: ${value.goSyntax}`
          : `: ${String(value)}`
  }
  if (error.detail !== '') body += `: ${error.detail}`
  return `${error.field}: ${body}`
}

/** An aggregate's Error(): one message alone, several in brackets, duplicates dropped. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)]
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`
}

/** NewInvalid's message: `Role.rbac.authorization.k8s.io "x" is invalid: ...`. */
export const invalidMessage = (
  qualifiedKind: string,
  name: string,
  errors: readonly FieldError[],
): string =>
  `${qualifiedKind} ${goQuote(name)} is invalid: ${aggregate(errors.map(formatFieldError))}`

/** Field errors' constructors, as field.Required, field.Invalid, field.NotSupported, ... */
export const required = (field: string, detail = ''): FieldError => ({
  field,
  type: 'Required value',
  detail,
})
export const invalid = (
  field: string,
  value: string | number | boolean | GoValue,
  detail: string,
): FieldError => ({ field, type: 'Invalid value', value, detail })
export const notSupported = (
  field: string,
  value: string,
  supported: readonly string[],
): FieldError => ({
  field,
  type: 'Unsupported value',
  value,
  detail: supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '',
})
export const forbidden = (field: string, detail: string): FieldError => ({
  field,
  type: 'Forbidden',
  detail,
})
export const tooLong = (field: string, maxBytes: number): FieldError => ({
  field,
  type: 'Too long',
  detail: `must have at most ${maxBytes} bytes`,
})

// Go's len() counts bytes.
const byteLength = (value: string): number => Buffer.byteLength(value, 'utf8')

/** RegexError: the message, its examples, and the regex. */
function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`
  const shown = examples.map((example, i) => `${i > 0 ? ' or ' : ''}'${example}', `).join('')
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`
}

const maxLenError = (length: number) => `must be no more than ${length} characters`

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`)
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`)

/** IsDNS1123Label: namespace names. */
export function isDNS1123Label(value: string): string[] {
  const errors: string[] = []
  if (byteLength(value) > 63) errors.push(maxLenError(63))
  if (!DNS1123_LABEL.test(value)) {
    errors.push(
      DNS1123_SUBDOMAIN.test(value)
        ? 'must not contain dots'
        : regexError(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            DNS1123_LABEL_FMT,
            'my-name',
            '123-abc',
          ),
    )
  }
  return errors
}

/** IsDNS1123Subdomain: names of service accounts, config maps, nodes. */
export function isDNS1123Subdomain(value: string): string[] {
  const errors: string[] = []
  if (byteLength(value) > 253) errors.push(maxLenError(253))
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    )
  }
  return errors
}

/** path.IsValidPathSegmentName: what RBAC names must be (ValidateRBACName), nothing more. */
export function isValidPathSegmentName(name: string): string[] {
  for (const illegal of ['.', '..']) if (name === illegal) return [`may not be '${illegal}'`]
  return ['/', '%'].filter((part) => name.includes(part)).map((part) => `may not contain '${part}'`)
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const LABEL_KEY = new RegExp(`^${LABEL_KEY_FMT}$`)
const LABEL_KEY_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

/** IsQualifiedName (a label key): labels' and annotations' keys. */
export function isQualifiedName(value: string): string[] {
  const errors: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) {
    name = parts[0] ?? ''
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? ''
    name = parts[1] ?? ''
    if (prefix.length === 0) errors.push('prefix part must be non-empty')
    else errors.push(...isDNS1123Subdomain(prefix).map((message) => `prefix part ${message}`))
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MESSAGE, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]
  }
  if (name.length === 0) errors.push('name part must be non-empty')
  else if (byteLength(name) > 63) errors.push(`name part ${maxLenError(63)}`)
  if (!LABEL_KEY.test(name)) {
    errors.push(
      `name part ${regexError(LABEL_KEY_MESSAGE, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`,
    )
  }
  return errors
}

const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`)

/** IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errors: string[] = []
  if (byteLength(value) > 63) errors.push(maxLenError(63))
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    )
  }
  return errors
}

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+'
const CONFIG_MAP_KEY = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`)

/** IsConfigMapKey. */
export function isConfigMapKey(value: string): string[] {
  const errors: string[] = []
  if (byteLength(value) > 253) errors.push(maxLenError(253))
  if (!CONFIG_MAP_KEY.test(value)) {
    errors.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    )
  }
  if (value === '.') errors.push("must not be '.'")
  else if (value === '..') errors.push("must not be '..'")
  else if (value.startsWith('..')) errors.push("must not start with '..'")
  return errors
}

/** The total size a ConfigMap's data may have (core.MaxSecretSize). */
export const MAX_CONFIG_MAP_BYTES = 1024 * 1024

/** ValidateAnnotations' limit on keys and values together. */
export const MAX_ANNOTATION_BYTES = 256 * 1024

export const utf8Length = byteLength
