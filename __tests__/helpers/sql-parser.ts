// Loads PostgreSQL's SQL parser (WebAssembly) before each test file's tests, as
// the pipeline does when it starts: the SQL functions under test are synchronous.
import { loadSqlParser } from '../../src/sql/script.js'

await loadSqlParser()
