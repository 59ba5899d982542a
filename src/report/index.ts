/**
 * The reports built from a `CheckResult`. Everything here is pure except
 * `comment.ts`, which talks to GitHub through the client it is given.
 * Redact the result once (`redactDeep(result, secrets)`) before building any report.
 */
export {
  planAnnotations,
  ANNOTATIONS_PER_LEVEL,
  type Annotation,
  type AnnotationLevel
} from './annotations.js'
export {
  findPullRequestForCommit,
  upsertComment,
  type Octokit,
  type PullRequestRef,
  type UpsertCommentOptions,
  type UpsertCommentResult
} from './comment.js'
export { escapeHtml, escapeText, inlineCode, codeBlock, redact, redactDeep, stripControl } from './escape.js'
export { toJson, toJsonString, JSON_REPORT_VERSION, type JsonReport } from './json.js'
export { commentMarker, renderMarkdown, type MarkdownOptions } from './markdown.js'
export { renderTerminal, type TerminalOptions } from './terminal.js'
