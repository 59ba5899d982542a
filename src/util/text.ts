/** Text helpers shared by the output parsers. */

// Built from the escape character's code so the pattern carries no control character literally.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

/** Removes terminal colour codes and normalises line ends, so line-anchored patterns hold. */
export function plainText(output: string): string {
  return output.replace(ANSI, '').replace(/\r\n/g, '\n')
}
