// A strict RFC 8259 JSON reader that keeps where every value sits in the text, because policy
// statements must report their source positions and JSON.parse forgets them.

import { AwsError } from '../../core/errors.js'
import type { SourcePosition } from '../document.js'
import { policyMessages } from './messages.js'

interface NodeBase {
  /** Position of the value's first character. */
  start: SourcePosition
  /** Position of the value's last character (the closing brace, bracket or quote). */
  end: SourcePosition
}

export interface JsonObjectEntry {
  key: string
  value: JsonNode
}

export type JsonNode =
  | (NodeBase & { type: 'object'; entries: JsonObjectEntry[] })
  | (NodeBase & { type: 'array'; items: JsonNode[] })
  | (NodeBase & { type: 'string'; value: string })
  | (NodeBase & { type: 'number'; raw: string })
  | (NodeBase & { type: 'boolean'; value: boolean })
  | (NodeBase & { type: 'null' })

export type JsonObjectNode = Extract<JsonNode, { type: 'object' }>

/**
 * Text that is not one JSON value: MalformedPolicyDocument in the words IAM uses for most policy
 * kinds (parse-policy.ts rewords it for trust and resource policies). `reason` and `position` say
 * what is wrong and where, for logs and tests.
 */
export class JsonSyntaxError extends AwsError {
  constructor(
    readonly reason: string,
    readonly position: SourcePosition,
  ) {
    super('MalformedPolicyDocument', policyMessages.syntax)
  }
}

/** Deep enough for any real policy, shallow enough that hostile nesting cannot blow the stack. */
const MAX_DEPTH = 64

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9'
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c)

class Reader {
  private index = 0
  private line = 1
  private column = 1

  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    this.skipWhitespace()
    const value = this.parseValue(0)
    this.skipWhitespace()
    if (this.index < this.text.length) this.fail('unexpected text after the JSON value')
    return value
  }

  private peek(): string | undefined {
    return this.text[this.index]
  }

  private position(): SourcePosition {
    return { line: this.line, column: this.column }
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.position())
  }

  /** Moves past one character, keeping line and column; CRLF counts as one line break. */
  private advance(): string {
    const c = this.text[this.index]
    if (c === undefined) this.fail('unexpected end of text')
    this.index += 1
    if (c === '\n' || (c === '\r' && this.text[this.index] !== '\n')) {
      this.line += 1
      this.column = 1
    } else if (c !== '\r') {
      this.column += 1
    }
    return c
  }

  private expect(char: string) {
    if (this.peek() !== char) this.fail(`expected '${char}'`)
    this.advance()
  }

  private skipWhitespace() {
    for (;;) {
      const c = this.peek()
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.advance()
      else return
    }
  }

  private parseValue(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail('nesting too deep')
    switch (this.peek()) {
      case '{':
        return this.parseObject(depth)
      case '[':
        return this.parseArray(depth)
      case '"': {
        const start = this.position()
        const value = this.parseStringBody()
        return { type: 'string', value, start, end: this.lastPosition() }
      }
      case 't':
        return { type: 'boolean', value: true, ...this.parseLiteral('true') }
      case 'f':
        return { type: 'boolean', value: false, ...this.parseLiteral('false') }
      case 'n':
        return { type: 'null', ...this.parseLiteral('null') }
      default:
        if (this.peek() === '-' || isDigit(this.peek())) return this.parseNumber()
        return this.fail('expected a JSON value')
    }
  }

  /** Position of the character just consumed (never on a line break: tokens end on text). */
  private lastPosition(): SourcePosition {
    return { line: this.line, column: this.column - 1 }
  }

  private parseObject(depth: number): JsonNode {
    const start = this.position()
    this.advance()
    const entries: JsonObjectEntry[] = []
    this.skipWhitespace()
    if (this.peek() === '}') {
      this.advance()
      return { type: 'object', entries, start, end: this.lastPosition() }
    }
    for (;;) {
      this.skipWhitespace()
      if (this.peek() !== '"') this.fail('expected a quoted member name')
      const key = this.parseStringBody()
      this.skipWhitespace()
      this.expect(':')
      this.skipWhitespace()
      const value = this.parseValue(depth + 1)
      entries.push({ key, value })
      this.skipWhitespace()
      if (this.peek() === ',') {
        this.advance()
        continue
      }
      if (this.peek() === '}') {
        this.advance()
        return { type: 'object', entries, start, end: this.lastPosition() }
      }
      this.fail("expected ',' or '}'")
    }
  }

  private parseArray(depth: number): JsonNode {
    const start = this.position()
    this.advance()
    const items: JsonNode[] = []
    this.skipWhitespace()
    if (this.peek() === ']') {
      this.advance()
      return { type: 'array', items, start, end: this.lastPosition() }
    }
    for (;;) {
      this.skipWhitespace()
      items.push(this.parseValue(depth + 1))
      this.skipWhitespace()
      if (this.peek() === ',') {
        this.advance()
        continue
      }
      if (this.peek() === ']') {
        this.advance()
        return { type: 'array', items, start, end: this.lastPosition() }
      }
      this.fail("expected ',' or ']'")
    }
  }

  private parseStringBody(): string {
    this.advance()
    let out = ''
    for (;;) {
      const c = this.peek()
      if (c === undefined) this.fail('unterminated string')
      if (c === '"') {
        this.advance()
        return out
      }
      if (c < ' ') this.fail('control character in string')
      if (c !== '\\') {
        out += this.advance()
        continue
      }
      this.advance()
      const escape = this.peek()
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape
          break
        case 'b':
          out += '\b'
          break
        case 'f':
          out += '\f'
          break
        case 'n':
          out += '\n'
          break
        case 'r':
          out += '\r'
          break
        case 't':
          out += '\t'
          break
        case 'u': {
          const hex = this.text.slice(this.index + 1, this.index + 5)
          if (hex.length !== 4 || ![...hex].every(isHex)) this.fail('bad \\u escape')
          out += String.fromCharCode(parseInt(hex, 16))
          for (let i = 0; i < 4; i += 1) this.advance()
          break
        }
        default:
          this.fail('bad escape')
      }
      this.advance()
    }
  }

  private parseNumber(): JsonNode {
    const start = this.position()
    const from = this.index
    if (this.peek() === '-') this.advance()
    if (this.peek() === '0') this.advance()
    else if (isDigit(this.peek())) while (isDigit(this.peek())) this.advance()
    else this.fail('bad number')
    if (this.peek() === '.') {
      this.advance()
      if (!isDigit(this.peek())) this.fail('bad number')
      while (isDigit(this.peek())) this.advance()
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.advance()
      if (this.peek() === '+' || this.peek() === '-') this.advance()
      if (!isDigit(this.peek())) this.fail('bad number')
      while (isDigit(this.peek())) this.advance()
    }
    return {
      type: 'number',
      raw: this.text.slice(from, this.index),
      start,
      end: this.lastPosition(),
    }
  }

  private parseLiteral(word: string): NodeBase {
    const start = this.position()
    if (this.text.slice(this.index, this.index + word.length) !== word) this.fail('bad literal')
    for (let i = 0; i < word.length; i += 1) this.advance()
    return { start, end: this.lastPosition() }
  }
}

/** Parses exactly one JSON value (surrounding whitespace allowed); throws JsonSyntaxError. */
export const parseJsonTree = (text: string): JsonNode => new Reader(text).parseDocument()
