/* checkpoint.h -- WAL checkpoints off the writer's commit path.
 *
 * By default SQLite checkpoints inside the COMMIT that pushes the WAL past
 * 1000 pages: that commit -- and every posting waiting on it -- then also
 * copies the WAL into the database file and fsyncs it. The checkpointer
 * turns that off on the writer's connection and runs PASSIVE checkpoints on
 * a connection and thread of its own every interval instead. PASSIVE never
 * waits for the writer or the readers. Durability is unchanged: a COMMIT is
 * acknowledged only after the WAL is synced (synchronous=FULL), and the WAL
 * is what recovery replays.
 *
 * The writer starts the WAL again from the top only when a transaction
 * begins with every frame of it already copied. Under steady load that never
 * happens by itself -- the writer commits while the thread copies -- and the
 * WAL grew past 440 MB in under 20 s (docs/benchmarks.md). So once a pass
 * finds the WAL CHECKPOINT_RESTART_FRAMES long or more, the writer finishes
 * the job between two transactions (checkpointer_finish): it copies the few
 * frames committed since that pass, and its next transaction restarts the
 * WAL.
 *
 * THREAD SAFETY: checkpointer_start runs before the writer thread uses its
 * connection; the checkpointer's own connection is used by its thread only;
 * checkpointer_finish on the writer's thread only. */
#ifndef TILLD_CHECKPOINT_H
#define TILLD_CHECKPOINT_H

#include <stddef.h>

#include "store.h"

#define CHECKPOINT_INTERVAL_MS 1000
/* After a WAL restart a file larger than this is cut back to it; a smaller
 * one is written again in place. Under load the WAL grows to one second's
 * frames between restarts (up to 36,000 frames, 150 MB, in the benchmark).
 * Cut back to 64 MiB, the file was truncated and grown again every second:
 * the first commit after each restart took 19-24 ms instead of 5-7, and
 * the commits that grew the file each synced the file system's journal
 * (docs/benchmarks.md, "The WAL file kept at its size"). */
#define CHECKPOINT_WAL_KEEP_BYTES (512 * 1024 * 1024)
/* a WAL this long (16 MiB of 4 KiB pages) is to be started again */
#define CHECKPOINT_RESTART_FRAMES 4096

typedef struct checkpointer checkpointer_t;

/* Turn off automatic checkpoints on <writer> and start checkpointing the
 * database at <path> every <interval_ms>. NULL with err set. */
checkpointer_t *checkpointer_start(const char *path, store_conn_t *writer, int interval_ms,
                                   char *err, size_t errlen);

/* Stop the thread (after at most the checkpoint in progress) and close its
 * connection. Accepts NULL. The writer's final close checkpoints the rest. */
void checkpointer_stop(checkpointer_t *cp);

/* On the writer's thread, outside a transaction: if the checkpoint thread's
 * last pass found the WAL long, copy what was committed since (a PASSIVE
 * checkpoint on <writer>, which nothing appends to meanwhile), so that the
 * writer's next transaction starts the WAL from the top. 1 if it
 * checkpointed, 0 if nothing was due (or <cp> is NULL, or the thread is
 * in a pass: then it is due again at the next call), -1 if the checkpoint
 * failed (logged; the thread asks again after its next pass). */
int checkpointer_finish(checkpointer_t *cp, store_conn_t *writer);

#endif
