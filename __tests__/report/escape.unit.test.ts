import {
  codeBlock,
  escapeHtml,
  escapeMessage,
  escapeText,
  inlineCode,
  redact,
  redactDeep,
  stripControl
} from '../../src/report/escape.js'

describe('escapeText', () => {
  it('turns HTML into entities so no tag can form', () => {
    expect(escapeText('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(escapeText('<img src=x onerror=alert(1)>')).not.toContain('<')
  })

  it('escapes pipes, backticks, emphasis and links', () => {
    expect(escapeText('a|b')).toBe('a\\|b')
    expect(escapeText('`x`')).toBe('\\`x\\`')
    expect(escapeText('**bold** _it_ [l](u) ~s~')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\[l\\](u) \\~s\\~')
  })

  it('keeps a line from becoming a heading, list or quote', () => {
    expect(escapeText('# title')).toBe('\\# title')
    expect(escapeText('- item')).toBe('\\- item')
    expect(escapeText('1. item')).toBe('1\\. item')
    expect(escapeText('> quote')).toBe('&gt; quote')
    expect(escapeText('x - y 1.2')).toBe('x - y 1.2')
  })

  it('flattens newlines so a table row cannot end early', () => {
    expect(escapeText('one\ntwo\r\n  three')).toBe('one two three')
  })

  it('does not mention users or teams', () => {
    expect(escapeText('@octocat and @acme/dbas')).toBe('@&#8203;octocat and @&#8203;acme/dbas')
  })
})

describe('inlineCode', () => {
  it('wraps plain text in single backticks', () => {
    expect(inlineCode('users.profile_picture')).toBe('`users.profile_picture`')
  })

  it('uses a longer delimiter than any backtick run inside and pads edge backticks', () => {
    expect(inlineCode('a`b')).toBe('``a`b``')
    expect(inlineCode('``x``')).toBe('``` ``x`` ```')
  })

  it('escapes pipes only in tables', () => {
    expect(inlineCode('a|b')).toBe('`a|b`')
    expect(inlineCode('a|b', { inTable: true })).toBe('`a\\|b`')
  })

  it('shows an empty value as a visible empty span', () => {
    expect(inlineCode('')).toBe('` `')
  })
})

describe('codeBlock', () => {
  it('uses a fence longer than any fence in the content', () => {
    const sql = 'SELECT 1;\n-- ```\n-- ````sql\n'
    const block = codeBlock(sql, 'sql')
    expect(block.startsWith('`````sql\n')).toBe(true)
    expect(block.endsWith('\n`````')).toBe(true)
  })

  it('uses three backticks for ordinary content', () => {
    expect(codeBlock('x', 'text')).toBe('```text\nx\n```')
  })
})

describe('escapeMessage', () => {
  it('keeps our code spans and escapes the rest', () => {
    expect(escapeMessage('column `users.a|b` does not exist <b>')).toBe(
      'column `users.a|b` does not exist &lt;b&gt;'
    )
  })
})

describe('escapeHtml and stripControl', () => {
  it('escapes quotes and ampersands', () => {
    expect(escapeHtml(`"a" & 'b'`)).toBe('&quot;a&quot; &amp; &#39;b&#39;')
  })

  it('removes ANSI sequences and control characters', () => {
    expect(stripControl('\u001b[31mred\u001b[0m\u0007 ok\r\n')).toBe('red ok\n')
  })
})

describe('redact', () => {
  it('replaces the secret and its URL-encoded form', () => {
    const secret = 'p@ss:w/rd'
    const text = `password ${secret} in postgresql://u:${encodeURIComponent(secret)}@localhost/db`
    expect(redact(text, [secret])).toBe('password *** in postgresql://u:***@localhost/db')
  })

  it('replaces the decoded form of an encoded secret, and ignores empty secrets', () => {
    expect(redact('a b%20c', ['b%20c', ''])).toBe('a ***')
    expect(redact('a b c', ['b%20c'])).toBe('a ***')
    expect(redact('unchanged', [''])).toBe('unchanged')
  })

  it('redacts every string inside a nested value', () => {
    const value = { a: 'x secret', b: [{ c: 'secret y' }], n: 1 }
    expect(redactDeep(value, ['secret'])).toEqual({ a: 'x ***', b: [{ c: '*** y' }], n: 1 })
  })
})
