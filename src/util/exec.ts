/**
 * The one way this action starts a child process: an argument array (never a
 * shell string), its own process group so a timeout ends the whole tree
 * (`npx` → `tsx` → node), output streamed to the caller and kept as a
 * size-capped tail, and a result instead of an exception.
 *
 * `@actions/exec` cannot give us the process group or the kill, so this wraps
 * `node:child_process` directly.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'

export interface ExecOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  /** Receives output as it arrives (the action streams it into the log). */
  onOutput?: (chunk: string) => void
  /** How much of the end of the output to keep (bytes, approximately). */
  tailBytes?: number
  /** Aborts the child (the pipeline is cancelled). */
  signal?: AbortSignal
  /** Also keep the whole of stdout apart (for commands whose output is data, like `migrate diff --script`). */
  keepStdout?: boolean
  /**
   * The line a command prints when its work is done. A command that prints
   * it and has not exited `graceMs` later is ended (its whole group), and the
   * result says `endedWhenDone`: some CLIs keep their process alive on a
   * timer after reporting success.
   */
  doneWhen?: { pattern: RegExp; graceMs: number }
  /**
   * A lower CPU priority for the child (a Unix nice value, 1–19): work that
   * is not on the run's critical path yields the CPU to the commands that
   * are (on a 2-core runner, four busy processes share it). Ignored where
   * the system refuses it.
   */
  niceness?: number
}

export interface ExecResult {
  /** null when the process was killed by a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** Set when the command could not start at all (ENOENT…). */
  spawnError?: string
  durationMs: number
  /** The last `tailBytes` of stdout and stderr interleaved as they came. */
  output: string
  /** Whether the start of the output was dropped to keep the tail. */
  truncated: boolean
  /** The whole of stdout, with `keepStdout`. */
  stdout?: string
  /** Ended by us `doneWhen.graceMs` after it printed `doneWhen.pattern` (its exit code is then unknown). */
  endedWhenDone?: boolean
}

/** Keeps the last `limit` characters of a stream without ever holding more than twice that. */
export class Tail {
  private chunks: string[] = []
  private size = 0
  truncated = false
  constructor(private readonly limit: number) {}

  push(text: string): void {
    this.chunks.push(text)
    this.size += text.length
    if (this.size > this.limit * 2) this.compact()
  }

  private compact(): void {
    const joined = this.chunks.join('')
    if (joined.length > this.limit) {
      this.chunks = [joined.slice(joined.length - this.limit)]
      this.size = this.limit
      this.truncated = true
    }
  }

  toString(): string {
    this.compact()
    return this.chunks.join('')
  }
}

const KILL_GRACE_MS = 3000

/** Runs `argv` and resolves when it ends, times out or cannot start. */
export function execCommand(argv: string[], options: ExecOptions): Promise<ExecResult> {
  const [command, ...args] = argv
  if (!command) throw new Error('execCommand: empty argv')
  const started = performance.now()
  const tail = new Tail(options.tailBytes ?? 64 * 1024)
  return new Promise((resolve) => {
    let timedOut = false
    let endedWhenDone = false
    let doneTimer: NodeJS.Timeout | undefined
    // The last stretch of output, so that a line split between chunks still matches.
    let recent = ''
    let spawnError: string | undefined
    let settled = false
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, so that a timeout can end the whole tree.
      detached: true,
      windowsHide: true
    })
    // Set before the child's own threads start, as far as possible: they inherit it.
    if (options.niceness && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, options.niceness)
      } catch {
        // Not allowed here: the child runs at normal priority.
      }
    }
    const killTree = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        // The group is already gone.
      }
    }
    const onData = (data: Buffer): void => {
      const text = data.toString('utf8')
      tail.push(text)
      options.onOutput?.(text)
      const done = options.doneWhen
      if (!done || doneTimer) return
      recent = (recent + text).slice(-4096)
      if (done.pattern.test(recent)) {
        doneTimer = setTimeout(() => {
          endedWhenDone = true
          stop()
        }, done.graceMs)
      }
    }
    const stdoutChunks: Buffer[] = []
    child.stdout?.on('data', (data: Buffer) => {
      if (options.keepStdout) stdoutChunks.push(data)
      onData(data)
    })
    child.stderr?.on('data', onData)

    let graceTimer: NodeJS.Timeout | undefined
    const stop = (): void => {
      killTree('SIGTERM')
      graceTimer = setTimeout(() => killTree('SIGKILL'), KILL_GRACE_MS)
      graceTimer.unref()
    }
    const timer = setTimeout(() => {
      timedOut = true
      stop()
    }, options.timeoutMs)
    const onAbort = (): void => stop()
    options.signal?.addEventListener('abort', onAbort, { once: true })

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(doneTimer)
      options.signal?.removeEventListener('abort', onAbort)
      // Grandchildren may still hold the group (a seed that forked): end them too.
      killTree('SIGKILL')
      if (graceTimer) clearTimeout(graceTimer)
      resolve({
        exitCode,
        signal,
        timedOut,
        spawnError,
        durationMs: Math.round(performance.now() - started),
        output: tail.toString(),
        truncated: tail.truncated,
        stdout: options.keepStdout ? Buffer.concat(stdoutChunks).toString('utf8') : undefined,
        ...(endedWhenDone && { endedWhenDone })
      })
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `command not found: ${command}` : error.message
      finish(null, null)
    })
    // 'close' waits for the pipes; a grandchild left running would hold them
    // open, so once the child itself has exited, the rest of its group goes.
    child.on('exit', () => {
      setTimeout(() => killTree('SIGKILL'), 2000).unref()
    })
    child.on('close', (code, signal) => finish(code, signal))
  })
}
