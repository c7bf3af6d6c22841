// How two threads running one forward on a shared memory meet and hand out
// work: a spinning barrier, a ticket counter for panels, a progress word per
// thread and an abort word. Globals are per instance, so each thread has its
// own view; with one thread every function here returns at once.
//
// Neither thread waits forever: a waiting thread gives up once the other has
// made no progress (no panel finished) for `spinLimit` spins, raises the abort
// word and returns false; a thread that sees the abort word stops at its next
// panel or barrier. A slow thread that still finishes panels is waited for.

let threads = 1;
let barrierWords: usize = 0; // arrivals, generation
let abortWord: usize = 0;
let ownProgress: usize = 0;
let otherProgress: usize = 0;
let progress = 0;
let spinLimit: i64 = 0;

/**
 * Points this thread (0 or 1 of `count`) at the plan's words: the barrier's two
 * i32s at `barrier`, the abort i32 at `abort`, one progress i32 per thread from
 * `progressWords`, and the number of spins without the other thread's progress
 * after which a wait gives up.
 */
export function joinThreads(
  thread: i32,
  count: i32,
  barrier: usize,
  abort: usize,
  progressWords: usize,
  limit: i32,
): void {
  threads = count;
  barrierWords = barrier;
  abortWord = abort;
  ownProgress = progressWords + (<usize>thread << 2);
  otherProgress = progressWords + (<usize>(1 - thread) << 2);
  progress = 0;
  spinLimit = limit;
}

/** True once either thread gave up on the other. */
export function aborted(): bool {
  if (!ASC_FEATURE_THREADS || threads == 1) return false;
  return atomic.load<i32>(abortWord) != 0;
}

/** Records that this thread finished a piece of work; false when the forward was aborted. */
export function reportProgress(): bool {
  if (!ASC_FEATURE_THREADS || threads == 1) return true;
  atomic.store<i32>(ownProgress, ++progress);
  return atomic.load<i32>(abortWord) == 0;
}

/**
 * Takes the next ticket below `end` from the i64 counter at `tickets`, or
 * returns -1 when none is left (the counter only grows: tickets are never reused).
 */
export function claim(tickets: usize, end: i64): i64 {
  if (!ASC_FEATURE_THREADS) return -1;
  let seen = atomic.load<i64>(tickets);
  while (seen < end) {
    const before = atomic.cmpxchg<i64>(tickets, seen, seen + 1);
    if (before == seen) return seen;
    seen = before;
  }
  return -1;
}

/**
 * Waits until both threads have arrived: a counting barrier with a generation
 * word, spinning (a sleeping wait costs more than a whole step). False when
 * the forward was aborted, by the other thread or by this one giving up.
 */
export function barrier(): bool {
  if (!ASC_FEATURE_THREADS || threads == 1) return true;
  if (aborted()) return false;
  const generation = atomic.load<i32>(barrierWords, 4);
  if (atomic.add<i32>(barrierWords, 1) == threads - 1) {
    atomic.store<i32>(barrierWords, 0);
    atomic.store<i32>(barrierWords, generation + 1, 4);
    return true;
  }
  let seen = atomic.load<i32>(otherProgress);
  let idle: i64 = 0;
  while (atomic.load<i32>(barrierWords, 4) == generation) {
    if ((++idle & 1023) != 0) continue;
    if (aborted()) return false;
    const now = atomic.load<i32>(otherProgress);
    if (now != seen) {
      seen = now;
      idle = 0;
    } else if (idle >= spinLimit) {
      atomic.store<i32>(abortWord, 1);
      return false;
    }
  }
  return true;
}
