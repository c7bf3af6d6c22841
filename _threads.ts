// The second thread of a two-thread RNN: a Worker that instantiates the
// threads build on the same shared memory and runs thread 1's part of each
// forward when the main thread posts a job. The Worker is made from a blob:
// URL, which needs no permission, so importing mod.ts by URL still needs none.
//
// Between jobs the Worker also prepares the main thread's next large result: it
// allocates an ArrayBuffer of the size asked for, maps its pages (the first
// write to each costs a page fault, about 0.5 ms per MiB) and transfers it to
// the main thread, which would otherwise take those faults during the forward.
//
// A live Worker keeps Deno from exiting, so one left idle for IDLE_MS stops
// itself. The next forward starts a new one: in Deno a very large forward waits
// for it (about 20 ms); others, and every forward in a browser, run on one
// thread while it starts.

// Control block words (i32 indices from its start), shared with the Worker.
const JOB = 0; // incremented by the main thread to start a forward; -1 closes
const DONE = 1; // set to the job's number by the Worker when its part is done
const STATUS = 2; // the Worker's rnnForward result: 0, or 1 for a barrier timeout
const PLAN = 3; // the plan's address
const STATE = 4; // one of the states below
const NEXT_RESULT_BYTES = 5; // bytes of the next result buffer the main thread asks for, 0 when none
const WORDS = 6;
const STARTING = 0; // no Worker waits for jobs (yet, or any more)
const IDLE = 1; // the Worker waits for a job
const BUSY = 2; // the main thread has claimed the Worker for a job
const STOPPED = 3; // the Worker stopped itself after IDLE_MS without a job

/** Bytes of the control block the caller reserves in shared memory. */
export const CONTROL_BYTES = 32;

// How long an idle Worker waits for a job before it stops itself.
const IDLE_MS = 1000;
// The Worker prepares result buffers from MAPPED_RESULT_MIN_BYTES (smaller ones are
// cheap to map, or come from pages the allocator already holds) to
// MAPPED_RESULT_MAX_BYTES (the main thread holds one between forwards).
const MAPPED_RESULT_MIN_BYTES = 1 << 20;
const MAPPED_RESULT_MAX_BYTES = 128 << 20;
// Pages the Worker maps before it looks for a job again (about 0.1 ms).
const MAPPING_SLICE_PAGES = 64;
// The main thread gives up on a Worker that shows no progress for this long.
const STALL_LIMIT_MS = 2000;
// A forward that waits for a starting Worker gives up on it after this long.
const START_LIMIT_MS = 1000;

// Whether this thread may block in Atomics.wait for a Worker to start: yes in
// Deno, on its main thread and in its Workers. Not in a browser: its main thread
// may not block at all, and Chrome does not start a Worker's nested Worker while
// the parent blocks (a wait would run out after START_LIMIT_MS). Cleared for good
// the first time a Worker does not start while this thread waits for it.
let canBlock = "Deno" in globalThis && (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

// Taken when this module loads: some npm packages (onnxruntime-web among them)
// later replace globalThis.Worker with Node's worker_threads class.
const NativeWorker = globalThis.Worker;

const WORKER_SOURCE = `
self.onmessage = ({ data }) => {
  const { module, memory, control } = data;
  const { rnnForward } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const words = new Int32Array(memory.buffer, control, ${WORDS});
  let seen = Atomics.load(words, ${JOB});
  // The next result's buffer being mapped, and how many of its words are.
  // (The same one write per 4 KiB page as touchPages in _kernels.ts.)
  let buffer, mapped = 0;
  Atomics.store(words, ${STATE}, ${IDLE});
  Atomics.notify(words, ${STATE});
  self.postMessage("ready");
  for (;;) {
    if (!buffer && Atomics.load(words, ${JOB}) === seen) {
      const bytes = Atomics.exchange(words, ${NEXT_RESULT_BYTES}, 0);
      if (bytes > 0) {
        try {
          buffer = new Int32Array(bytes / 4);
          mapped = 0;
        } catch {
          self.postMessage("no buffer");
        }
      }
    }
    if (buffer && Atomics.load(words, ${JOB}) === seen) {
      const end = Math.min(buffer.length, mapped + ${MAPPING_SLICE_PAGES * 1024});
      for (; mapped < end; mapped += 1024) buffer[mapped] = 0;
      if (mapped >= buffer.length) {
        self.postMessage(buffer.buffer, [buffer.buffer]);
        buffer = undefined;
      }
      continue;
    }
    const woke = Atomics.wait(words, ${JOB}, seen, ${IDLE_MS});
    if (woke === "timed-out" && Atomics.compareExchange(words, ${STATE}, ${IDLE}, ${STOPPED}) === ${IDLE}) {
      self.postMessage("stopped");
      self.close();
      return;
    }
    const job = Atomics.load(words, ${JOB});
    if (job === seen) continue;
    if (job < 0) return;
    seen = job;
    Atomics.store(words, ${STATUS}, rnnForward(Atomics.load(words, ${PLAN}), 1));
    Atomics.store(words, ${STATE}, ${IDLE});
    Atomics.store(words, ${DONE}, job);
  }
};
`;

/** A Worker running thread 1 of every forward on a shared memory. */
export class SecondThread {
  readonly #module: WebAssembly.Module;
  readonly #memory: WebAssembly.Memory;
  readonly #control: number;
  readonly #words: Int32Array;
  #worker: Worker | undefined;
  #closed = false;
  #settle: () => void = () => {};
  #ready: Promise<void> = Promise.resolve();
  // Whether a forward may still wait for the latest Worker to start (once per Worker).
  #mayWaitForStart = false;
  // A mapped result buffer from the Worker, the size asked for and not yet received
  // (0 when none), and what settles when it arrives or never will; the result size
  // of the last forward of at least MAPPED_RESULT_MIN_BYTES (on one thread or two),
  // and the size the current forward may ask for (0: none).
  #mappedResult: ArrayBuffer | undefined;
  #mappedResultAsked = 0;
  #lastResultBytes = 0;
  #sizeToAsk = 0;
  #settleMappedResult: () => void = () => {};
  #mappedResultReady: Promise<void> = Promise.resolve();

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number) {
    this.#module = module;
    this.#memory = memory;
    this.#control = control;
    this.#words = new Int32Array(memory.buffer, control, WORDS);
    this.#spawn();
  }

  /**
   * Resolves once the latest Worker waits for jobs and the result buffer asked
   * of it (if any) has arrived, or once it failed or was closed: either way the
   * model works (with one thread in the latter cases).
   */
  get ready(): Promise<void> {
    return Promise.all([this.#ready, this.#mappedResultReady]).then(() => {});
  }

  #spawn(): void {
    this.#settle();
    this.#ready = new Promise((resolve) => this.#settle = resolve);
    this.#mayWaitForStart = true;
    Atomics.store(this.#words, STATE, STARTING);
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    const worker = this.#worker = new NativeWorker(url, { type: "module" });
    URL.revokeObjectURL(url);
    // An earlier Worker's late message or error must not settle or close this one.
    const settle = this.#settle;
    worker.onmessage = ({ data }) => {
      if (data === "ready") settle();
      // A Worker idle long enough to stop: so is the model, which need not hold memory for it.
      else if (data === "stopped") {
        if (worker === this.#worker) this.#mappedResult = undefined;
      } else this.#receiveMappedResult(data instanceof ArrayBuffer ? data : undefined);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker === this.#worker) this.close();
      else settle();
    };
    worker.postMessage({ module: this.#module, memory: this.#memory, control: this.#control });
  }

  /** True while a Worker waits for jobs (until close(), or until it stops when idle). */
  get available(): boolean {
    return !this.#closed && Atomics.load(this.#words, STATE) === IDLE;
  }

  /**
   * Claims the Worker and starts its part of the forward at `plan`; returns the
   * job number, or undefined when no Worker is waiting. If the last one stopped
   * itself, starts a new one; with `waitForStart`, waits for a starting Worker
   * (where this thread may block) instead of leaving it to later forwards.
   */
  start(plan: number, waitForStart: boolean): number | undefined {
    if (this.#closed) return undefined;
    const words = this.#words;
    let state = Atomics.compareExchange(words, STATE, IDLE, BUSY);
    if (state === STOPPED) {
      this.#spawn();
      state = STARTING;
    }
    if (state === STARTING && waitForStart && canBlock && this.#mayWaitForStart) {
      this.#mayWaitForStart = false;
      const started = performance.now();
      let left = START_LIMIT_MS;
      while (left > 0 && Atomics.wait(words, STATE, STARTING, left) !== "not-equal") {
        left = START_LIMIT_MS - (performance.now() - started);
      }
      state = Atomics.compareExchange(words, STATE, IDLE, BUSY);
      if (state === STARTING) canBlock = false;
    }
    if (state !== IDLE) return undefined;
    Atomics.store(words, PLAN, plan);
    const job = Atomics.add(words, JOB, 1) + 1;
    Atomics.notify(words, JOB);
    return job;
  }

  /**
   * Waits (spinning) for `job` to finish: "done", "failed" when the Worker
   * returned an error status, or "stalled" when it neither finished nor changed
   * `progress()` for STALL_LIMIT_MS (then it may still write later).
   */
  finish(job: number, progress: () => number): "done" | "failed" | "stalled" {
    let seen = progress(), since = performance.now();
    for (let spins = 0; Atomics.load(this.#words, DONE) !== job; spins++) {
      if ((spins & 1023) !== 1023) continue;
      const now = progress();
      if (now !== seen) {
        seen = now;
        since = performance.now();
      } else if (performance.now() - since > STALL_LIMIT_MS) {
        return "stalled";
      }
    }
    return Atomics.load(this.#words, STATUS) === 0 ? "done" : "failed";
  }

  /**
   * Asks the Worker to map a result buffer for a later forward of this one's
   * size, when takeMappedResult found that size worth it (see there), unless a
   * buffer is on its way already: one at a time, so that forwards back to back,
   * whose event loop delivers none, cannot pile them up. Call it before start():
   * the Worker, or the one started in its place, looks for the request whenever
   * it has no job (so after this one), and maps the buffer between jobs.
   */
  askForMappedResult(): void {
    const bytes = this.#sizeToAsk;
    if (!bytes || this.#closed || this.#mappedResultAsked) return;
    this.#mappedResultReady = new Promise((resolve) => this.#settleMappedResult = resolve);
    this.#mappedResultAsked = bytes;
    Atomics.store(this.#words, NEXT_RESULT_BYTES, bytes);
  }

  /** Bytes of the mapped result buffer held for the next forward (0 when none). */
  get mappedResultBytes(): number {
    return this.#mappedResult?.byteLength ?? 0;
  }

  /**
   * The mapped buffer the Worker prepared, if it holds `bytes`. Another large
   * size drops it (the caller's sizes changed); a small one leaves it held.
   * Called at every forward that allocates its results (not those into the
   * caller's arrays), before askForMappedResult, which it tells what to ask
   * for: this size, when it takes 1–128 MiB and repeats the last large
   * forward's (sizes that change from call to call would waste every buffer).
   */
  takeMappedResult(bytes: number): ArrayBuffer | undefined {
    this.#sizeToAsk = 0;
    if (bytes < MAPPED_RESULT_MIN_BYTES) return undefined;
    if (bytes === this.#lastResultBytes && bytes <= MAPPED_RESULT_MAX_BYTES) {
      this.#sizeToAsk = bytes;
    }
    this.#lastResultBytes = bytes;
    const buffer = this.#mappedResult;
    if (!buffer) return undefined;
    this.#mappedResult = undefined;
    return buffer.byteLength === bytes ? buffer : undefined;
  }

  // The buffer asked for arrives (undefined when the Worker could not allocate it).
  #receiveMappedResult(buffer: ArrayBuffer | undefined): void {
    if (!this.#closed) this.#mappedResult = buffer;
    this.#mappedResultAsked = 0;
    this.#settleMappedResult();
  }

  /** Stops the Worker for good; the RNN goes on with one thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#words, STATE, STARTING);
    Atomics.store(this.#words, JOB, -1);
    Atomics.notify(this.#words, JOB);
    this.#worker?.terminate();
    this.#settle();
    this.#mappedResult = undefined;
    this.#mappedResultAsked = 0;
    this.#settleMappedResult();
  }
}
