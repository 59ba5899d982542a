/**
 * What one rendering of the markdown report is asked for (`MarkdownOptions`)
 * and how much it shows (`Detail`, lowered until the text fits), with what
 * every section of it shares.
 */
import type { Severity } from '../model/findings.js'

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Hidden first line that finds the sticky comment again (see {@link commentMarker}). */
  marker?: string
  /**
   * Upper bound of the result, in UTF-8 bytes (never fewer than characters, so
   * it is safe both for the comment's 65,536 characters and the summary's 1 MiB).
   */
  maxLength: number
  /** Link to the job summary of this run: the pointer a shortened report gives. */
  summaryUrl?: string
  /** Headline prefix; default `migrate-seed-check`. */
  title?: string
  /**
   * Markdown naming where the complete report is, when it is not the job summary
   * (for the job summary itself: "the `report-json` file of this run"). Added field.
   */
  fullReport?: string
}

/** How much detail one rendering attempt includes; the renderer lowers it until the text fits. */
export interface Detail {
  /** Lines of process output shown per failed stage; 0 drops the outputs. */
  outputLines: number
  /** Whether the suggested migration's SQL is shown. */
  sql: boolean
  /** Drift rows shown (all tables together); the rest are counted. */
  rows: number
  /** Characters of a problem's message. */
  messageChars: number
  /** Set when anything was left out, so the report says so at the top. */
  shortened: boolean
}

/** Definitions longer than this (a long CHECK expression) are clipped in table cells. */
export const CELL_CHARS = 300

export const SEVERITY_ICON: Record<Severity, string> = {
  error: '❌',
  warning: '⚠️',
  notice: '🔎',
  info: 'ℹ️'
}

export function fullReportLink(opts: MarkdownOptions): string {
  if (opts.fullReport) return opts.fullReport
  return opts.summaryUrl ? `[the job summary](${opts.summaryUrl})` : 'the job summary of this workflow run'
}
