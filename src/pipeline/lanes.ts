/**
 * The log of stages that run at the same time. GitHub's log groups cannot
 * nest or interleave, so one stage at a time owns the log: its output is
 * printed live in its group; the others' output is kept and printed, in
 * their own group, when they get the log.
 *
 * Foreground stages get the log in the order they started; a background
 * stage (one whose output matters less than the chain the run waits on)
 * queues for it only when it has ended.
 */

/** What the lanes need from the pipeline's ports. */
export interface LanePorts {
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  output?(chunk: string): void
}

/** Where a stage writes its child processes' output; undefined when the output is not shown. */
export type LaneOutput = ((chunk: string) => void) | undefined

interface Lane {
  name: string
  kept: string[]
  live: boolean
  done: Promise<unknown>
}

export class LogLanes {
  private readonly lanes: Lane[] = []
  private readonly waiting: Lane[] = []
  private current?: Lane
  private idle?: () => void

  constructor(private readonly ports: LanePorts) {}

  /**
   * Starts `work` now and resolves with its result (not waiting for the log).
   * @param options.background Queue for the log only when the work has ended.
   */
  run<T>(
    name: string,
    work: (output: LaneOutput) => Promise<T>,
    options: { background?: boolean } = {}
  ): Promise<T> {
    const lane = this.open(name, options)
    const result = work(lane.output)
    result.then(lane.end, lane.end)
    return result
  }

  /**
   * A lane for work that is not one promise (it starts here and ends
   * elsewhere): write to `output`, call `end()` when the work is over.
   */
  open(name: string, options: { background?: boolean } = {}): { output: LaneOutput; end: () => void } {
    let end!: () => void
    const lane: Lane = { name, kept: [], live: false, done: new Promise<void>((resolve) => (end = resolve)) }
    const output = this.ports.output
      ? (chunk: string): void => {
          if (lane.live) this.ports.output?.(chunk)
          else lane.kept.push(chunk)
        }
      : undefined
    this.lanes.push(lane)
    if (options.background) void lane.done.then(() => this.enqueue(lane))
    else this.enqueue(lane)
    return { output, end: () => end() }
  }

  /** Resolves when every lane started so far has ended and been printed. */
  async drain(): Promise<void> {
    // A background lane queues when its work ends: wait for all the work first.
    await Promise.all(this.lanes.map((lane) => lane.done))
    while (this.current || this.waiting.length) {
      await new Promise<void>((resolve) => (this.idle = resolve))
    }
  }

  private enqueue(lane: Lane): void {
    this.waiting.push(lane)
    this.next()
  }

  private next(): void {
    if (this.current) return
    const lane = this.waiting.shift()
    if (!lane) {
      this.idle?.()
      return
    }
    this.current = lane
    void this.ports
      .group(lane.name, async () => {
        for (const chunk of lane.kept.splice(0)) this.ports.output?.(chunk)
        lane.live = true
        await lane.done
      })
      .catch(() => undefined)
      .then(() => {
        this.current = undefined
        this.next()
      })
  }
}
