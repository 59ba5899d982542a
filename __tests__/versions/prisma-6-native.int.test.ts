// The version matrix on prisma-6-native (see __tests__/helpers/versions.ts).
import { describeVersion } from './matrix.js'

describeVersion('prisma-6-native')
