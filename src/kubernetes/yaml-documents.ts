// A multi-document YAML file as kubectl reads one, parsed with the `yaml` package: YAML 1.1, as
// sigs.k8s.io/yaml reads it (`yes`/`no`/`on`/`off` are booleans), timestamps kept as the text
// written, aliases bounded, duplicate keys refused. Each document keeps its position in the file
// and its first line, so that errors name them; empty documents are skipped, as kubectl skips them.
import { parseAllDocuments } from 'yaml'
import type { Tags } from 'yaml'

/** One non-empty document of a file. */
export interface YamlDocument {
  /** Its position among the file's documents, from 1, empty ones counted. */
  index: number
  /** The line it starts on, from 1. */
  line: number
  /** The document as JSON-like data. */
  value: unknown
}

export interface YamlProblem {
  index: number
  line: number
  message: string
}

export type YamlParse =
  { ok: true; documents: YamlDocument[] } | { ok: false; problems: YamlProblem[] }

/** What an alias may expand to at most (the `yaml` package's guard against billion laughs). */
const MAX_ALIAS_COUNT = 100

const withoutTimestamps = (tags: Tags): Tags =>
  tags.filter((tag) =>
    typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== 'tag:yaml.org,2002:timestamp',
  )

/** The parser's message without the excerpt of the source it appends. */
const firstLine = (message: string): string => message.split(':\n')[0] ?? message

const lineOf = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1
  return line
}

/** The documents of `text`, or every problem the parser found with where it is. */
export function parseYamlDocuments(text: string): YamlParse {
  const parsed = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: true,
    customTags: withoutTimestamps,
    prettyErrors: true,
  })
  // An empty stream (no document at all) comes back as an object with no documents.
  const all = Array.isArray(parsed) ? parsed : []
  const documents: YamlDocument[] = []
  const problems: YamlProblem[] = []
  all.forEach((document, i) => {
    const index = i + 1
    const start = document.contents?.range[0] ?? document.range[0]
    const line = lineOf(text, start)
    const [error] = document.errors
    if (error !== undefined) {
      // The first error, as a YAML parser that stops there reports it; the rest follow from it.
      problems.push({ index, line, message: firstLine(error.message) })
      return
    }
    let value: unknown
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
    } catch (error) {
      problems.push({
        index,
        line,
        message: error instanceof Error ? error.message : String(error),
      })
      return
    }
    if (value === null || value === undefined) return
    documents.push({ index, line, value })
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, documents }
}
