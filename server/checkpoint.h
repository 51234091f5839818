/* checkpoint.h -- WAL checkpoints off the writer's commit path.
 *
 * By default SQLite checkpoints inside the COMMIT that pushes the WAL past
 * 1000 pages: that commit -- and every posting waiting on it -- then also
 * copies the WAL into the database file and fsyncs it. The checkpointer
 * turns that off on the writer's connection and runs PASSIVE checkpoints on
 * a connection and thread of its own every interval instead. PASSIVE never
 * waits for the writer or the readers; the writer restarts the WAL from the
 * top once a checkpoint has copied all of it. Durability is unchanged: a
 * COMMIT is acknowledged only after the WAL is synced (synchronous=FULL),
 * and the WAL is what recovery replays.
 *
 * THREAD SAFETY: checkpointer_start runs before the writer thread uses its
 * connection; the checkpointer's own connection is used by its thread only. */
#ifndef TILLD_CHECKPOINT_H
#define TILLD_CHECKPOINT_H

#include <stddef.h>

#include "store.h"

#define CHECKPOINT_INTERVAL_MS 1000
/* after a WAL restart the file is cut back to this size */
#define CHECKPOINT_WAL_KEEP_BYTES (64 * 1024 * 1024)

typedef struct checkpointer checkpointer_t;

/* Turn off automatic checkpoints on <writer> and start checkpointing the
 * database at <path> every <interval_ms>. NULL with err set. */
checkpointer_t *checkpointer_start(const char *path, store_conn_t *writer, int interval_ms,
                                   char *err, size_t errlen);

/* Stop the thread (after at most the checkpoint in progress) and close its
 * connection. Accepts NULL. The writer's final close checkpoints the rest. */
void checkpointer_stop(checkpointer_t *cp);

#endif
