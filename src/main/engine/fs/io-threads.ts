// How many native threads a whole-tree pass (a copy, a usage scan) runs on.
import { availableParallelism } from 'node:os'

/**
 * Twice the cores, at most 8: such a pass also waits on the disk (every read when the page cache
 * is cold, the journal when it is warm), and on a machine shared with other work more threads get
 * it a fairer share of the CPUs. On 2 cores with other work running (load 14-17), a 1.5 GB /
 * 64k-entry copy on ext4 took 15-19 s cold and 5-7 s warm with 4 threads, 28 s and 7-11 s with
 * 2, and 16-20 s and 13-15 s with 8; on a quiet machine 2 to 8 threads took the same time warm.
 * A scan of a 100k-file upper (load ~15): cold 1.16 s with 2 threads, 0.81 s with 4, 1.07 s with
 * 8; warm 0.96, 0.57 and 0.58 s (medians of 3).
 */
export function ioThreads(): number {
  return Math.min(8, 2 * availableParallelism())
}
