/**
 * Paths as reports show them: relative to the repository root, with `/`
 * (GitHub annotations need that, whatever the runner's OS).
 */
import path from 'node:path'

/** `file` relative to `repoRoot`; a path that is already relative is only normalised. */
export function repoPath(repoRoot: string, file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(repoRoot, file) : file
  return relative.split(path.sep).join('/')
}
