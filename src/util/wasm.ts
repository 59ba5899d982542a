/**
 * How this process compiles WebAssembly (the SQL parsers). V8 compiles a
 * module with its baseline compiler, then compiles the functions that run
 * often again with its optimizing compiler; for the parser's large
 * functions that second compilation needs tens of megabytes of working
 * memory, which the C allocator keeps resident after it is freed. The
 * parsers read a few thousand statements a run, not enough for the optimized
 * code to pay for itself: on the 1,000-model benchmark project the parse
 * times are the same without it, and the action's peak RSS is about 25 MB
 * lower (docs/performance.md).
 */
import v8 from 'node:v8'

let set = false

/** Call before the first WebAssembly module is compiled; later calls do nothing. */
export function useBaselineWasmCompiler(): void {
  if (set) return
  set = true
  v8.setFlagsFromString('--liftoff-only')
}
