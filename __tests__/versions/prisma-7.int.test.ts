// The version matrix on prisma-7 (see __tests__/helpers/versions.ts).
import { describeVersion } from './matrix.js'

describeVersion('prisma-7')
