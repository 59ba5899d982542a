/**
 * The lexical layer of the Prisma schema reader: comments, logical lines
 * (an attribute may span several physical lines), and attribute arguments.
 * It reads only what locating needs; Prisma remains the judge of validity.
 */

/** A value in an attribute argument list. */
export type PslValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'ident'; value: string }
  | { kind: 'array'; items: PslValue[] }
  | { kind: 'call'; name: string; args: PslArg[] }

/** One argument: positional (`"users"`) or named (`map: "users"`). */
export interface PslArg {
  name?: string
  value: PslValue
}

/** An attribute as written: `@map("x")`, `@@index([a, b], map: "i")`, `@db.VarChar(10)`. */
export interface PslAttribute {
  /** Name without the `@`/`@@` (`map`, `index`, `db.VarChar`). */
  name: string
  /** `@@` block attribute or `@` field attribute. */
  block: boolean
  args: PslArg[]
}

/** A statement of a block after comments are removed and continuation lines joined. */
export interface LogicalLine {
  text: string
  /** 1-based line where it starts. */
  line: number
  /** 1-based line where it ends. */
  endLine: number
}

/** Removes a `//` or `///` comment, leaving `//` inside strings alone. */
export function stripComment(line: string): string {
  let inString = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (inString && ch === '\\') i++
    else if (ch === '"') inString = !inString
    else if (!inString && ch === '/' && line[i + 1] === '/') return line.slice(0, i)
  }
  return line
}

/** Net bracket depth change of a line, ignoring brackets inside strings. */
function depthChange(code: string): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '(' || ch === '[') depth++
    else if (ch === ')' || ch === ']') depth--
  }
  return depth
}

/**
 * Joins physical lines into logical ones: a line whose brackets are still
 * open continues on the next (multi-line `@relation(…)`, `@@index([…])`).
 * Blank and comment-only lines are dropped.
 */
export function logicalLines(lines: string[], firstLine: number): LogicalLine[] {
  const out: LogicalLine[] = []
  let current: LogicalLine | undefined
  let depth = 0
  lines.forEach((raw, i) => {
    const code = stripComment(raw).trim()
    if (!code && !current) return
    const lineNo = firstLine + i
    current = current
      ? { ...current, text: `${current.text} ${code}`, endLine: lineNo }
      : { text: code, line: lineNo, endLine: lineNo }
    depth += depthChange(code)
    if (depth <= 0) {
      out.push(current)
      current = undefined
      depth = 0
    }
  })
  if (current) out.push(current)
  return out
}

/** Tokens of a logical line. */
type Token = { type: 'string' | 'number' | 'ident' | 'attr' | 'punct'; text: string }

/** Splits a logical line into tokens; strings keep their unescaped value. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }
    if (rest[0] === '"') {
      const { value, end } = readString(text, i)
      tokens.push({ type: 'string', text: value })
      i = end
      continue
    }
    const match =
      /^(@@?[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)/.exec(rest) ??
      /^(-?\d+(?:\.\d+)?)/.exec(rest) ??
      /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)/.exec(rest)
    const text0 = match?.[1]
    if (text0) {
      const type = text0.startsWith('@') ? 'attr' : /^-?\d/.test(text0) ? 'number' : 'ident'
      tokens.push({ type, text: text0 })
      i += text0.length
      continue
    }
    tokens.push({ type: 'punct', text: rest[0] ?? '' })
    i++
  }
  return tokens
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\' && i + 1 < text.length) {
      value += text[i + 1]
      i += 2
    } else {
      value += text[i]
      i++
    }
  }
  return { value, end: i + 1 }
}

/** A cursor over tokens for the little recursive-descent parser below. */
export class TokenStream {
  private pos = 0
  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset]
  }

  next(): Token | undefined {
    return this.tokens[this.pos++]
  }

  /** Consumes the punctuation `text` if it comes next. */
  eat(text: string): boolean {
    const token = this.peek()
    if (token?.type !== 'punct' || token.text !== text) return false
    this.pos++
    return true
  }

  done(): boolean {
    return this.pos >= this.tokens.length
  }
}

/** Parses `( arg, name: value, … )` after the opening parenthesis is next. */
export function parseArgs(stream: TokenStream): PslArg[] {
  const args: PslArg[] = []
  if (!stream.eat('(')) return args
  while (!stream.done() && !stream.eat(')')) {
    if (stream.eat(',')) continue
    const named = stream.peek()?.type === 'ident' && stream.peek(1)?.text === ':'
    let name: string | undefined
    if (named) {
      name = stream.next()?.text
      stream.next()
    }
    const value = parseValue(stream)
    if (!value) {
      stream.next() // skip what this reader does not understand rather than loop
      continue
    }
    args.push(name === undefined ? { value } : { name, value })
  }
  return args
}

/** Parses one value: a string, number, identifier, call `f(…)` or array `[…]`. */
export function parseValue(stream: TokenStream): PslValue | undefined {
  const token = stream.peek()
  if (!token) return undefined
  if (token.type === 'punct' && token.text === '[') return parseArray(stream)
  if (token.type === 'string' || token.type === 'number') {
    stream.next()
    return { kind: token.type, value: token.text }
  }
  if (token.type !== 'ident') return undefined
  stream.next()
  if (stream.peek()?.text === '(') return { kind: 'call', name: token.text, args: parseArgs(stream) }
  return { kind: 'ident', value: token.text }
}

function parseArray(stream: TokenStream): PslValue {
  stream.eat('[')
  const items: PslValue[] = []
  while (!stream.done() && !stream.eat(']')) {
    if (stream.eat(',')) continue
    const value = parseValue(stream)
    if (value) items.push(value)
    else stream.next()
  }
  return { kind: 'array', items }
}

/** Reads the attributes that follow in the stream (`@id @default(uuid()) @map("x")`). */
export function parseAttributes(stream: TokenStream): PslAttribute[] {
  const attributes: PslAttribute[] = []
  while (!stream.done()) {
    const token = stream.next()
    if (token?.type !== 'attr') continue
    const block = token.text.startsWith('@@')
    const name = token.text.slice(block ? 2 : 1)
    attributes.push({ name, block, args: stream.peek()?.text === '(' ? parseArgs(stream) : [] })
  }
  return attributes
}

/** The named argument, or else the first positional one. */
export function argument(attribute: PslAttribute | undefined, name: string): PslValue | undefined {
  if (!attribute) return undefined
  return (
    attribute.args.find((a) => a.name === name)?.value ??
    attribute.args.find((a) => a.name === undefined)?.value
  )
}

/** Only the named argument. */
export function namedArgument(attribute: PslAttribute | undefined, name: string): PslValue | undefined {
  return attribute?.args.find((a) => a.name === name)?.value
}

/** A string argument's value. */
export function stringValue(value: PslValue | undefined): string | undefined {
  return value?.kind === 'string' ? value.value : undefined
}

/** An identifier or string argument's text (`Cascade`, `Desc`). */
export function wordValue(value: PslValue | undefined): string | undefined {
  return value?.kind === 'ident' || value?.kind === 'string' ? value.value : undefined
}

/** Prints a value back as Prisma source (for display of defaults). */
export function printValue(value: PslValue): string {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value)
    case 'number':
    case 'ident':
      return value.value
    case 'array':
      return `[${value.items.map(printValue).join(', ')}]`
    case 'call':
      return `${value.name}(${value.args.map((a) => (a.name ? `${a.name}: ` : '') + printValue(a.value)).join(', ')})`
  }
}
