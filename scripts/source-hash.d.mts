/** Hex sha256 over the sorted relative paths and contents of dist/'s build inputs. */
export function sourceHash(root: string): string
/** The file in dist/ that records the hash of the source it was built from. */
export const HASH_FILE: string
