/**
 * This package's npm name and version, bundled at build time: reports pin
 * the command that reproduces them to the version that wrote them.
 */
import pkg from '../../package.json' with { type: 'json' }

export const PACKAGE_NAME: string = pkg.name
export const PACKAGE_VERSION: string = pkg.version
/** The CLI's command name (package.json `bin`). */
export const BIN_NAME = 'migrate-seed-check'

/** `npx --yes @scope/name@1.2.3`: runs exactly this version wherever Node.js is (whatever the project's package manager). */
export function pinnedCommand(): string {
  return `npx --yes ${PACKAGE_NAME}@${PACKAGE_VERSION}`
}
