// The second thread of a two-thread RNN: a Worker that instantiates the
// threads build on the same shared memory and runs thread 1's half of each
// forward when the main thread posts a job. The Worker is made from a blob:
// URL, which needs no permission, so importing mod.ts by URL still needs none.

// Control block words (i32 indices from its start), shared with the Worker.
const JOB = 0; // incremented by the main thread to start a forward; -1 closes
const DONE = 1; // set to the job's number by the Worker when its half is done
const STATUS = 2; // the Worker's rnnForward result: 0, or 1 for a barrier timeout
const PLAN = 3; // the plan's address

// Taken when this module loads: some npm packages (onnxruntime-web among them)
// later replace globalThis.Worker with Node's worker_threads class.
const NativeWorker = globalThis.Worker;

/** Bytes of the control block the caller reserves in shared memory. */
export const CONTROL_BYTES = 16;

const WORKER_SOURCE = `
self.onmessage = ({ data }) => {
  const { module, memory, control } = data;
  const { rnnForward } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const words = new Int32Array(memory.buffer, control, 4);
  self.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(words, ${JOB}, seen);
    const job = Atomics.load(words, ${JOB});
    if (job === seen) continue;
    if (job < 0) return;
    seen = job;
    Atomics.store(words, ${STATUS}, rnnForward(Atomics.load(words, ${PLAN}), 1));
    Atomics.store(words, ${DONE}, job);
  }
};
`;

// The main thread waits this long for the Worker's half before giving up on it.
const WAIT_LIMIT_MS = 10_000;

/** A Worker running thread 1 of every forward on a shared memory. */
export class SecondThread {
  readonly #worker: Worker;
  readonly #words: Int32Array;
  #ready = false;
  #closed = false;
  #settle: () => void = () => {};
  /**
   * Resolves once the Worker waits for jobs, or once it failed or was closed:
   * either way the model works (with one thread in the latter cases).
   */
  readonly ready: Promise<void>;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number) {
    this.#words = new Int32Array(memory.buffer, control, 4);
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    this.#worker = new NativeWorker(url, { type: "module" });
    URL.revokeObjectURL(url);
    this.ready = new Promise((resolve) => this.#settle = resolve);
    this.#worker.onmessage = () => {
      this.#ready = true;
      this.#settle();
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.close();
    };
    this.#worker.postMessage({ module, memory, control });
  }

  /** True once the Worker is running and until close(). */
  get available(): boolean {
    return this.#ready && !this.#closed;
  }

  /** Starts the Worker's half of the forward at `plan`; returns the job number. */
  start(plan: number): number {
    Atomics.store(this.#words, PLAN, plan);
    const job = Atomics.add(this.#words, JOB, 1) + 1;
    Atomics.notify(this.#words, JOB);
    return job;
  }

  /** Waits (spinning) for `job` to finish; false if the Worker failed or never answered. */
  finish(job: number): boolean {
    const started = performance.now();
    for (let spins = 0; Atomics.load(this.#words, DONE) !== job; spins++) {
      if ((spins & 1023) === 1023 && performance.now() - started > WAIT_LIMIT_MS) return false;
    }
    return Atomics.load(this.#words, STATUS) === 0;
  }

  /** Stops the Worker; the RNN goes on with one thread. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#words, JOB, -1);
    Atomics.notify(this.#words, JOB);
    this.#worker.terminate();
    this.#settle();
  }
}
