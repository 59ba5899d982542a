/**
 * Log lines on stderr in the shape of the native engine's (tracing's JSON
 * formatter): the CLIs parse every stderr line of a `cli` command as JSON and
 * take the `ERROR` line of target `schema_engine::logger` as the result.
 */

/** @param {'INFO' | 'ERROR'} level @param {Record<string, unknown>} fields @param {string} target */
export function log(level, fields, target = 'schema_engine') {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target }) + '\n')
}

/** The line a failed `cli` command ends with (then exit code 1). */
export function logError(message, errorCode = '') {
  log('ERROR', { is_panic: false, error_code: errorCode, message }, 'schema_engine::logger')
}
