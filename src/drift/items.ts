/** Small facts about drift items, shared by the comparison, the verdict, the fix migration and the reports. */
import type { DriftItem } from '../model/drift.js'

/** An index or constraint that differs in its name only: renamed in place, no behaviour changes. */
export function isRename(item: Pick<DriftItem, 'change' | 'aspects'>): boolean {
  return item.change === 'different' && item.aspects?.length === 1 && item.aspects[0] === 'name'
}
