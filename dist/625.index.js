export const id = 625;
export const ids = [625];
export const modules = {

/***/ 3625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PublishRefused: () => (/* binding */ PublishRefused),
  publishStoredReport: () => (/* binding */ publishStoredReport)
});

// UNUSED EXPORTS: REPORT_SIZE_LIMIT

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(8179);
// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(8816);
;// CONCATENATED MODULE: ./src/model/drift.ts
/** Every kind of object drift is reported for. */
const DRIFT_KINDS = [
    'table',
    'column',
    'enum',
    'enumValue',
    'index',
    'unique',
    'primaryKey',
    'foreignKey',
    'check',
    'view',
    'sequence',
    'extension',
    'function',
    'trigger'
];
/**
 * `missing`: the schema needs it and no migration creates it.
 * `unexpected`: only the migrations create it.
 * `different`: both have it, with different definitions.
 */
const DRIFT_CHANGES = ['missing', 'unexpected', 'different'];
/** Whose verdict the drift is: Prisma's differ, or the catalog comparison. */
const VERDICT_SOURCES = ['prisma', 'catalog'];

// EXTERNAL MODULE: ./src/model/findings.ts
var findings = __webpack_require__(3843);
;// CONCATENATED MODULE: ./src/model/result.ts
const CHECK_STATUSES = ['passed', 'failed'];
/** How a project runs package binaries, for the commands a report suggests. */
const RUNNERS = ['npx', 'pnpm exec', 'yarn', 'bunx'];
const FAIL_ON = ['migrate', 'seed', 'drift', 'warning'];

;// CONCATENATED MODULE: ./src/model/review.ts
/** `migration-safety`: how hazards are reported. */
const MIGRATION_SAFETIES = ['warn', 'fail', 'off'];
/**
 * How the project's Prisma applies one migration (migrations/engine.ts).
 * `transaction`: the native schema engine before Prisma 7.4 sends
 * migration.sql as one script, which PostgreSQL runs in one implicit
 * transaction: every lock is held until the migration ends, and a failure
 * rolls the whole migration back.
 * `statement`: native engines from 7.4 and driver adapters (`engine: 'js'`)
 * run the statements one by one, each committed on its own: a lock is held
 * for its statement only, and a failure leaves the statements before it
 * applied. In both, an explicit `BEGIN … COMMIT` of the file is one transaction.
 */
const ENGINE_MODES = ['transaction', 'statement'];
/** What other sessions cannot do on the table while the lock is held. */
const BLOCKS = ['reads and writes', 'writes', 'schema changes'];
/**
 * The hazard classes a statement is judged on. `no-transaction`: a statement
 * PostgreSQL refuses in a transaction, in a migration the engine runs as one.
 * `half-applied`: a statement that can fail on production data after
 * statements that were committed one by one and cannot simply run again.
 */
const HAZARD_CLASSES = [
    'rewrite',
    'blocking-lock',
    'long-scan',
    'data-loss',
    'no-transaction',
    'half-applied'
];
/** What became of a statement in the review. */
const STATEMENT_STATUSES = [
    'measured',
    'not-in-transaction',
    'failed',
    'not-measured',
    'control'
];
/** The transaction a statement runs in: the file's BEGIN … COMMIT, the whole file, or its own. */
const TRANSACTION_KINDS = ['explicit', 'implicit', 'own'];
/** How the engine sends a migration: the file whole, or statement by statement. */
const SENT_AS = ['whole', 'statements'];
/** What a migration does to an object of the database. */
const DATABASE_CHANGE_KINDS = ['added', 'dropped', 'changed', 'renamed'];

// EXTERNAL MODULE: ./src/review/locks.ts
var locks = __webpack_require__(2280);
// EXTERNAL MODULE: ./src/report/facts.ts
var facts = __webpack_require__(1349);
// EXTERNAL MODULE: ./src/report/json.ts
var json = __webpack_require__(2794);
;// CONCATENATED MODULE: ./src/report/json-read.ts
/**
 * Reads a report.json back into a `CheckResult`, for `mode: publish`. The
 * file comes from a pull request's run, possibly from a fork: it is untrusted
 * data. Every field is checked for its type and its allowed values (zod)
 * before anything uses it, unknown fields are dropped, and nothing in it is
 * treated as a path to open or a command to run: it only becomes text, which
 * the renderers escape like any repository text.
 */








/** Report versions this reader understands. */
const READABLE_VERSIONS = [json/* JSON_REPORT_VERSION */.Xn];
/** A report that is not ours, of an unknown version, or malformed: `message` says which and what to do. */
class ReportFormatError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ReportFormatError';
    }
}
const severity = schemas/* enum */.k5n(facts/* SEVERITIES */.oC);
const stageName = schemas/* enum */.k5n(findings/* STAGES */.a);
const driftKind = schemas/* enum */.k5n(DRIFT_KINDS);
const count = schemas/* number */.aig().int().nonnegative();
const line = schemas/* number */.aig().int().positive();
const ms = schemas/* number */.aig().nonnegative();
/** A repository path as annotations need it: relative, `/`-separated, never leaving the repository. */
const repoPath = schemas/* string */.YjP()
    .min(1)
    .max(1024)
    .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..') && !p.includes('\0'), {
    message: 'must be a path inside the repository'
});
const json_read_location = schemas/* object */.Ikc({ file: repoPath, line, endLine: line.optional(), column: line.optional() });
const lockMode = schemas/* enum */.k5n(locks/* LOCK_MODES */.bx);
const hazard = schemas/* enum */.k5n(HAZARD_CLASSES);
const tableRows = schemas/* object */.Ikc({ table: schemas/* string */.YjP(), rows: count });
const statement = schemas/* object */.Ikc({
    index: count,
    line,
    endLine: line,
    summary: schemas/* string */.YjP(),
    status: schemas/* enum */.k5n(STATEMENT_STATUSES),
    transaction: schemas/* object */.Ikc({ kind: schemas/* enum */.k5n(TRANSACTION_KINDS), fromLine: line, untilLine: line.optional() })
        .optional(),
    durationMs: ms.optional(),
    holdMs: ms.optional(),
    locks: schemas/* array */.YOg(schemas/* object */.Ikc({
        table: schemas/* string */.YjP(),
        mode: lockMode,
        blocks: schemas/* enum */.k5n(BLOCKS),
        newTable: schemas/* boolean */.zMY(),
        rows: count.optional(),
        held: schemas/* object */.Ikc({ since: line, until: line.optional() }).optional()
    })),
    rewrites: schemas/* array */.YOg(schemas/* string */.YjP()),
    scans: schemas/* array */.YOg(tableRows),
    indexBuilds: schemas/* array */.YOg(tableRows),
    droppedIndexes: schemas/* array */.YOg(schemas/* object */.Ikc({ table: schemas/* string */.YjP(), index: schemas/* string */.YjP() })).optional(),
    hazards: schemas/* array */.YOg(hazard),
    error: schemas/* string */.YjP().optional()
});
const review = schemas/* object */.Ikc({
    safety: schemas/* enum */.k5n(MIGRATION_SAFETIES),
    engine: schemas/* enum */.k5n(ENGINE_MODES),
    engineName: schemas/* string */.YjP().optional(),
    rowsPerTable: count,
    migrations: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: schemas/* string */.YjP(),
        file: repoPath,
        statements: schemas/* array */.YOg(statement),
        durationMs: ms,
        transactional: schemas/* boolean */.zMY(),
        sent: schemas/* enum */.k5n(SENT_AS),
        fallback: schemas/* string */.YjP().optional()
    })),
    changes: schemas/* array */.YOg(schemas/* object */.Ikc({
        table: schemas/* string */.YjP().optional(),
        kind: driftKind,
        change: schemas/* enum */.k5n(DATABASE_CHANGE_KINDS),
        object: schemas/* string */.YjP(),
        description: schemas/* string */.YjP(),
        before: schemas/* string */.YjP().optional(),
        after: schemas/* string */.YjP().optional(),
        dataLoss: schemas/* object */.Ikc({ rows: count, affected: count, text: schemas/* string */.YjP() }).optional(),
        location: json_read_location.optional(),
        migration: schemas/* string */.YjP().optional()
    })),
    findings: schemas/* array */.YOg(schemas/* object */.Ikc({
        hazard,
        severity,
        title: schemas/* string */.YjP(),
        message: schemas/* string */.YjP(),
        saferPattern: schemas/* string */.YjP().optional(),
        location: json_read_location,
        migration: schemas/* string */.YjP(),
        statementIndex: count
    })),
    incomplete: schemas/* string */.YjP().optional()
});
const report = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(json/* JSON_REPORT_FORMAT */.Cy),
    version: schemas/* number */.aig().int(),
    status: schemas/* enum */.k5n(CHECK_STATUSES),
    workingDirectory: schemas/* string */.YjP().max(1024),
    prismaVersion: schemas/* string */.YjP().max(100).optional(),
    runner: schemas/* enum */.k5n(RUNNERS).optional(),
    verdict: schemas/* object */.Ikc({ source: schemas/* enum */.k5n(VERDICT_SOURCES), summary: schemas/* string */.YjP() }).optional(),
    durationMs: ms,
    failedOn: schemas/* array */.YOg(schemas/* enum */.k5n(FAIL_ON)),
    counts: schemas/* object */.Ikc({ error: count, warning: count, notice: count, info: count }),
    stages: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: stageName,
        status: schemas/* enum */.k5n(findings/* STAGE_STATUSES */.E),
        durationMs: ms,
        startMs: ms.optional(),
        endMs: ms.optional(),
        summary: schemas/* string */.YjP(),
        exitCode: schemas/* number */.aig().int().nullable().optional(),
        timedOut: schemas/* boolean */.zMY().optional(),
        command: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        output: schemas/* string */.YjP().optional()
    })),
    problems: schemas/* array */.YOg(schemas/* object */.Ikc({
        stage: stageName,
        severity,
        title: schemas/* string */.YjP(),
        message: schemas/* string */.YjP(),
        code: schemas/* string */.YjP().max(100).optional(),
        location: json_read_location.optional(),
        explainedBy: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        missingObject: schemas/* object */.Ikc({ table: schemas/* string */.YjP().optional(), column: schemas/* string */.YjP().optional() }).optional()
    })),
    drift: schemas/* array */.YOg(schemas/* object */.Ikc({
        kind: driftKind,
        change: schemas/* enum */.k5n(DRIFT_CHANGES),
        object: schemas/* string */.YjP(),
        severity,
        expected: schemas/* string */.YjP().optional(),
        actual: schemas/* string */.YjP().optional(),
        aspects: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
        location: json_read_location.optional(),
        note: schemas/* string */.YjP().optional(),
        fixSql: schemas/* string */.YjP().optional()
    })),
    fixSqlPath: schemas/* string */.YjP().optional(),
    fixSqlFile: repoPath.optional(),
    fixSql: schemas/* string */.YjP().optional(),
    pullRequest: schemas/* object */.Ikc({ number: schemas/* number */.aig().int().positive(), headSha: schemas/* string */.YjP().regex(/^[0-9a-f]{40}$/) })
        .optional(),
    review: review.optional()
});
/**
 * Parses and validates a report.json's text.
 * @throws ReportFormatError when it is not JSON, not ours, of a version this
 * reader does not know, or has a field of the wrong type or value.
 */
function readJsonReport(text) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new ReportFormatError(`it is not JSON (${error.message}).`);
    }
    const format = data?.format;
    if (typeof data !== 'object' || data === null || format !== json/* JSON_REPORT_FORMAT */.Cy) {
        throw new ReportFormatError(`it is not a migrate-seed-check report (no "format": "${json/* JSON_REPORT_FORMAT */.Cy}"). Give the report.json the check wrote (its report-json output).`);
    }
    const version = data.version;
    if (typeof version !== 'number' || !READABLE_VERSIONS.includes(version)) {
        throw new ReportFormatError(`its version ${JSON.stringify(version)} is not one this action reads (${READABLE_VERSIONS.join(', ')}). Use the same version of migrate-seed-check in both workflows.`);
    }
    const parsed = report.safeParse(data);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'the report';
        throw new ReportFormatError(`${where}: ${issue?.message ?? 'invalid'}. The file was changed or is damaged.`);
    }
    return { result: toResult(parsed.data), pullRequest: parsed.data.pullRequest };
}
function toResult(json) {
    return {
        status: json.status,
        workingDirectory: json.workingDirectory,
        prismaVersion: json.prismaVersion,
        runner: json.runner,
        stages: json.stages,
        problems: json.problems,
        // The target is what the comparison worked on; no report section reads it.
        drift: json.drift.map((item) => ({ ...item, target: { schema: '' } })),
        fixSqlPath: json.fixSqlFile,
        fixSql: json.fixSql,
        verdict: json.verdict,
        failedOn: json.failedOn,
        durationMs: json.durationMs,
        review: json.review
    };
}

// EXTERNAL MODULE: ./src/util/errors.ts
var errors = __webpack_require__(17);
// EXTERNAL MODULE: ./src/github/comment.ts
var comment = __webpack_require__(7318);
// EXTERNAL MODULE: ./src/github/event.ts
var github_event = __webpack_require__(5015);
// EXTERNAL MODULE: ./src/github/publish.ts + 11 modules
var publish = __webpack_require__(9428);
;// CONCATENATED MODULE: ./src/github/publish-stored.ts
/**
 * `mode: publish`: posts the comment and the check run of a report.json that
 * a `pull_request` run made, from a `workflow_run` workflow, which has a
 * token that may write even when the pull request comes from a fork. No
 * database work, no checkout needed, nothing of the pull request executed.
 *
 * The report is untrusted (a fork's workflow wrote it): its size is checked
 * before it is read, its fields are validated (src/report/json-read.ts), no
 * path in it is opened, and the pull request it names is only a hint: the
 * pull request's head commit, asked of the API, must be the commit the
 * workflow run checked, which GitHub (not the report) tells us.
 */








/** A report.json larger than this is refused unread (a real one is well under 1 MiB). */
const REPORT_SIZE_LIMIT = 8 * 1024 * 1024;
/** Publishing refused: the message says why and what to change. */
class PublishRefused extends Error {
    constructor(message) {
        super(message);
        this.name = 'PublishRefused';
    }
}
async function publishStoredReport(config) {
    const run = (0,github_event/* readEvent */.j_)().workflow_run;
    if (process.env.GITHUB_EVENT_NAME !== 'workflow_run' || !run) {
        throw new PublishRefused(`mode: publish runs in a workflow started by \`on: workflow_run\` (this one was started by ${process.env.GITHUB_EVENT_NAME || 'an unknown event'}). See docs/fork-pull-requests.md.`);
    }
    if (run.event !== 'pull_request') {
        throw new PublishRefused(`the workflow run that made the report was started by ${JSON.stringify(run.event)}, not pull_request: mode: publish only publishes the reports of pull requests.`);
    }
    const headSha = run.head_sha;
    if (!headSha || !/^[0-9a-f]{40}$/.test(headSha))
        throw new PublishRefused('the workflow_run event has no head commit (head_sha).');
    const { result, pullRequest } = readReport(config.reportJson);
    if (pullRequest && pullRequest.headSha !== headSha) {
        throw new PublishRefused(`the report was made for commit ${pullRequest.headSha}, but the workflow run checked ${headSha}: it is not this run's report.`);
    }
    const where = (0,github_event/* repository */.Jk)();
    if (!where)
        throw new PublishRefused('GITHUB_REPOSITORY is not set.');
    if (!config.githubToken) {
        throw new PublishRefused(`Input '${inputs/* INPUTS */.mc.githubToken}': mode: publish needs a token with \`pull-requests: write\` and \`checks: write\`.`);
    }
    const api = (0,publish/* lazyClient */.qW)(config.githubToken);
    // GitHub leaves workflow_run.pull_requests empty for pull requests from forks.
    const number = run.pull_requests?.[0]?.number ?? config.prNumber ?? pullRequest?.number;
    if (!number) {
        throw new PublishRefused(`no pull request to publish on: the event names none (a fork's pull request) and the report records none. Give \`${inputs/* INPUTS */.mc.prNumber}\`, or use a report made by this version of the action.`);
    }
    await verifyPullRequest(await api(), where, number, headSha);
    const counted = result.drift.filter((i) => i.severity !== 'info');
    (0,publish/* setOutputs */.n0)([
        [inputs/* OUTPUTS */.py.status, result.status],
        [inputs/* OUTPUTS */.py.drift, String(counted.length > 0)],
        [inputs/* OUTPUTS */.py.driftCount, String(counted.length)],
        [inputs/* OUTPUTS */.py.reportJson, config.reportJson],
        [inputs/* OUTPUTS */.py.fixSql, '']
    ]);
    const clean = (text) => text;
    const summaryUrl = (0,github_event/* runUrl */.Vp)();
    if (config.checkRun !== 'false')
        await (0,publish/* postCheckRun */.YG)(result, { api, headSha, choice: config.checkRun, clean, summaryUrl });
    await (0,publish/* writeSummary */.Sy)(result, clean, summaryUrl);
    const commentUrl = config.comment
        ? await (0,publish/* postComment */.Gy)(result, { api, issueNumber: number, clean, summaryUrl })
        : undefined;
    (0,publish/* setOutputs */.n0)([[inputs/* OUTPUTS */.py.commentUrl, commentUrl ?? '']]);
    core/* info */.pq(`Published the report of pull request #${number} (${result.status}) on ${headSha}.`);
}
/** Reads and validates the report, refusing a file that is not a plain file or too large before reading it. */
function readReport(file) {
    const name = `Input '${inputs/* INPUTS */.mc.reportJson}'`;
    let stat;
    try {
        stat = (0,external_node_fs_.lstatSync)(file);
    }
    catch {
        throw new PublishRefused(`${name}: ${file} does not exist. Download the pull_request run's artifact first (actions/download-artifact with run-id: \${{ github.event.workflow_run.id }}).`);
    }
    if (!stat.isFile())
        throw new PublishRefused(`${name}: ${file} is not a regular file.`);
    if (stat.size > REPORT_SIZE_LIMIT) {
        throw new PublishRefused(`${name}: ${file} has ${stat.size.toLocaleString('en-US')} bytes, more than the ${REPORT_SIZE_LIMIT.toLocaleString('en-US')} a report of this action has; it is refused unread.`);
    }
    try {
        return readJsonReport((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        if (error instanceof ReportFormatError)
            throw new PublishRefused(`${name}: ${file} is refused: ${error.message}`);
        throw error;
    }
}
/** The pull request's head, asked of the API, must be the commit the workflow run checked. */
async function verifyPullRequest(octokit, where, number, headSha) {
    let head;
    try {
        const { data } = await octokit.rest.pulls.get({ ...where, pull_number: number });
        head = data.head.sha;
    }
    catch (error) {
        const status = (0,comment/* httpStatus */.nG)(error);
        throw new PublishRefused(`could not read pull request #${number} to check it (${status ? `HTTP ${status}: ` : ''}${(0,errors/* errorMessage */.g)(error)}); nothing was published.`);
    }
    if (head !== headSha) {
        throw new PublishRefused(`pull request #${number}'s head is ${head}, but the workflow run checked ${headSha}: the report is not of that pull request's head (or it was pushed to since); nothing was published.`);
    }
}


/***/ })

};
