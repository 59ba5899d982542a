// The version matrix on prisma-6-wasm: the repository's own sample, Prisma
// 6.19 with its WebAssembly schema engine (see __tests__/helpers/versions.ts).
import { describeVersion } from './matrix.js'

describeVersion('prisma-6-wasm')
