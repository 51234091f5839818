/* main.c -- tilld's command line: serve, or bootstrap the first admin.
 *
 *   tilld [--config FILE] [--SETTING VALUE ...]
 *   tilld init-admin [--config FILE] [--db PATH] --user NAME --terminal ID
 *   tilld backup [--config FILE] [--db PATH] --to FILE
 *   tilld rotate-key [--config FILE] [--db PATH] [--signing_key OLD] --new-key NEW
 *
 * init-admin reads the password from TILL_ADMIN_PASSWORD or, if that is not
 * set, from the first line of standard input -- never from argv, where other
 * users of the machine could read it. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "ledger.h"
#include "schema.h"
#include "server.h"
#include "store.h"
#include "till_log.h"
#include "till_util.h"

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: tilld [--config FILE] [--SETTING VALUE ...]\n"
          "       tilld init-admin [--config FILE] [--db PATH] --user NAME --terminal ID\n"
          "       tilld backup [--config FILE] [--db PATH] --to FILE\n"
          "       tilld rotate-key [--config FILE] [--db PATH] [--signing_key OLD] --new-key NEW\n"
          "settings (file 'key = value' or flag '--key value'): listen, port_file, db, cert, key,\n"
          "  ca, crl, signing_key, signing_key_check, tls_min_version, max_frame, max_connections,\n"
          "  handshake_timeout, idle_timeout, max_conn_buffer, max_inflight, max_queued,\n"
          "  session_ttl,\n"
          "  lockout_failures, lockout_window, lockout_duration, readers, max_batch,\n"
          "  shutdown_grace, sync, max_db_pages, denominations, log_level,\n"
          "  blind_close. See docs/operations.md.\n");
}

/* Read the bootstrap password without putting it on the command line. */
static int
read_password(char *buf, size_t len)
{
  const char *env = getenv("TILL_ADMIN_PASSWORD");
  if (env) {
    if (strlen(env) >= len)
      return -1;
    snprintf(buf, len, "%s", env);
    return 0;
  }
  if (isatty(STDIN_FILENO))
    fprintf(stderr, "password for the new admin: ");
  if (!fgets(buf, (int)len, stdin))
    return -1;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 0;
}

static int
init_admin(config_t *cfg, const char *user, const char *terminal)
{
  char err[512], pw[AUTH_PASSWORD_MAX + 2];
  int rc = 1;
  store_conn_t *sc = NULL;
  if (!user || !till_ident_ok(user, USER_NAME_MAX)) {
    fprintf(stderr, "tilld init-admin: --user NAME is required (A-Z a-z 0-9 . _ -)\n");
    return 2;
  }
  if (!terminal || !till_ident_ok(terminal, TERMINAL_ID_MAX)) {
    fprintf(stderr, "tilld init-admin: --terminal ID is required (A-Z a-z 0-9 . _ -)\n");
    return 2;
  }
  if (read_password(pw, sizeof pw) != 0 || strlen(pw) < AUTH_PASSWORD_MIN ||
      strlen(pw) > AUTH_PASSWORD_MAX) {
    fprintf(stderr, "tilld init-admin: a password of %d to %d bytes is required "
                    "(TILL_ADMIN_PASSWORD or stdin)\n", AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
    return 2;
  }
  if (!(sc = store_open_rw(cfg->db, cfg->sync_mode, schema_all(), err, sizeof err))) {
    fprintf(stderr, "tilld init-admin: %s\n", err);
    return 1;
  }
  if (store_exec(sc->db, "BEGIN IMMEDIATE", "init-admin") != 0)
    goto done;
  sqlite3_stmt *st = store_stmt(sc, "SELECT count(*) FROM users");
  if (!st || sqlite3_step(st) != SQLITE_ROW)
    goto rollback;
  int64_t users = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (users > 0) {
    fprintf(stderr, "tilld init-admin: %s already has users; add more with 'till admin user add'\n",
            cfg->db);
    goto rollback;
  }
  unsigned roles = 1u << 4; /* admin */
  if (auth_user_create(sc, user, pw, roles, NULL) != TILL_OK) {
    fprintf(stderr, "tilld init-admin: cannot create user %s\n", user);
    goto rollback;
  }
  till_status_t ts = auth_terminal_create(sc, terminal, "bootstrap terminal");
  if (ts != TILL_OK && ts != TILL_E_CONFLICT) {
    fprintf(stderr, "tilld init-admin: cannot register terminal %s\n", terminal);
    goto rollback;
  }
  st = store_stmt(sc, "INSERT INTO security_events(at, kind, user_name, terminal_id, detail) "
                      "VALUES (?, 'admin_bootstrap', ?, ?, 'first admin created by tilld init-admin')");
  if (!st)
    goto rollback;
  sqlite3_bind_int64(st, 1, till_now());
  sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, terminal, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    goto rollback;
  sqlite3_reset(st);
  if (store_exec(sc->db, "COMMIT", "init-admin") != 0)
    goto rollback;
  printf("admin %s created; terminal %s registered in %s\n", user, terminal, cfg->db);
  rc = 0;
  goto done;
 rollback:
  sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
 done:
  memset(pw, 0, sizeof pw);
  store_close(sc);
  return rc;
}

/* ---- keys: tilld rotate-key ---- */

/* A rotation is a security event (docs/operations.md, "Security events"),
 * written in the rotation's own transaction; the user is whoever ran the
 * command on the server (no Till user is logged in), the terminal empty. */
static int
record_rotation(store_conn_t *sc, const ledger_rotation_t *rot, void *arg)
{
  static const char sql[] =
    "INSERT INTO security_events(at, kind, user_name, terminal_id, detail)"
    " VALUES (?, 'key_rotated', ?, '', ?)";
  const char *who = arg;
  char a[17], b[17], detail[256];
  till_hex_encode(rot->old_pub, 8, a);
  till_hex_encode(rot->new_pub, 8, b);
  snprintf(detail, sizeof detail,
           "signing key %lld (%s...) replaces key %lld (%s...), which endorsed it",
           (long long)rot->new_id, b, (long long)rot->old_id, a);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, till_now());
  sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, detail, -1, SQLITE_TRANSIENT);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return -1;
  log_notice(LD_AUTH, "security event key_rotated user=%s terminal=- %s", who, detail);
  return 0;
}

static int
rotate_key(config_t *cfg, const char *new_key)
{
  char err[1024], a[65], b[65];
  ledger_rotation_t rot;
  if (!new_key || !new_key[0]) {
    fprintf(stderr, "tilld rotate-key: --new-key FILE|pkcs11:URI is required\n");
    return 2;
  }
  if (!cfg->signing_key[0]) {
    fprintf(stderr, "tilld rotate-key: signing_key (the current key) is not set\n");
    return 2;
  }
  /* the new key must be where the server may use it */
  if (ledger_key_check(new_key, cfg->db, cfg->signing_key_strict, err, sizeof err) != 0) {
    fprintf(stderr, "tilld rotate-key: %s\n", err);
    return 2;
  }
  store_conn_t *sc = store_open_rw(cfg->db, cfg->sync_mode, schema_all(), err, sizeof err);
  if (!sc) {
    fprintf(stderr, "tilld rotate-key: %s\n", err);
    return 1;
  }
  /* the operator: the login name of the one who ran the command */
  char who[64];
  const struct passwd *pw = getpwuid(getuid());
  snprintf(who, sizeof who, "%s", pw && pw->pw_name ? pw->pw_name : "?");
  int rc = ledger_rotate_key_recorded(sc, cfg->signing_key, new_key, record_rotation, who, &rot,
                                      err, sizeof err);
  store_close(sc);
  if (rc != 0) {
    fprintf(stderr, "tilld rotate-key: %s\n", err);
    return 1;
  }
  till_hex_encode(rot.old_pub, 32, a);
  till_hex_encode(rot.new_pub, 32, b);
  printf("key %lld %s\n  replaces key %lld %s,\n  which endorsed it.\n"
         "Set signing_key = %s in the config and restart tilld; auditors add the new key with\n"
         "'till audit pubkey --pin FILE'. The old key signs nothing more: destroy it once\n"
         "tilld runs with the new one.\n",
         (long long)rot.new_id, b, (long long)rot.old_id, a, new_key);
  return 0;
}

int
main(int argc, char **argv)
{
  config_t cfg;
  char err[1024];
  const char *command = "serve";
  const char *user = NULL, *terminal = NULL, *backup_to = NULL, *new_key = NULL;
  int i = 1;
  store_log_init(); /* before any other SQLite call */
  config_defaults(&cfg);
  if (argc > 1 && argv[1][0] != '-') {
    command = argv[1];
    i = 2;
  }
  if (strcmp(command, "serve") != 0 && strcmp(command, "init-admin") != 0 &&
      strcmp(command, "backup") != 0 && strcmp(command, "rotate-key") != 0) {
    fprintf(stderr, "tilld: unknown command '%s'\n", command);
    usage(stderr);
    return 2;
  }
  /* the config file first, so flags override it wherever they stand */
  for (int j = i; j < argc; j++) {
    if (strcmp(argv[j], "--config") == 0) {
      if (j + 1 >= argc) {
        fprintf(stderr, "tilld: --config needs a file\n");
        return 2;
      }
      if (config_load_file(&cfg, argv[j + 1], err, sizeof err) != 0) {
        fprintf(stderr, "tilld: %s\n", err);
        return 2;
      }
    }
  }
  for (; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strncmp(arg, "--", 2) != 0 || i + 1 >= argc) {
      fprintf(stderr, "tilld: expected --SETTING VALUE, got '%s'\n", arg);
      usage(stderr);
      return 2;
    }
    const char *key = arg + 2, *value = argv[++i];
    if (strcmp(key, "config") == 0)
      continue;
    if (strcmp(command, "init-admin") == 0 && strcmp(key, "user") == 0) {
      user = value;
      continue;
    }
    if (strcmp(command, "init-admin") == 0 && strcmp(key, "terminal") == 0) {
      terminal = value;
      continue;
    }
    if (strcmp(command, "backup") == 0 && strcmp(key, "to") == 0) {
      backup_to = value;
      continue;
    }
    if (strcmp(command, "rotate-key") == 0 && strcmp(key, "new-key") == 0) {
      new_key = value;
      continue;
    }
    char keybuf[64];
    snprintf(keybuf, sizeof keybuf, "%s", key);
    for (char *p = keybuf; *p; p++)
      if (*p == '-')
        *p = '_';
    if (config_set(&cfg, keybuf, value, err, sizeof err) != 0) {
      fprintf(stderr, "tilld: --%s: %s\n", key, err);
      return 2;
    }
  }
  till_log_set_level((till_log_level_t)cfg.log_level);
  if (strcmp(command, "init-admin") == 0)
    return init_admin(&cfg, user, terminal);
  if (strcmp(command, "rotate-key") == 0)
    return rotate_key(&cfg, new_key);
  if (strcmp(command, "backup") == 0) {
    int64_t rows = 0, head = 0;
    if (!backup_to) {
      fprintf(stderr, "tilld backup: --to FILE is required\n");
      return 2;
    }
    if (store_backup(cfg.db, backup_to, &rows, &head, err, sizeof err) != 0) {
      fprintf(stderr, "tilld backup: %s\n", err);
      return 1;
    }
    printf("backed up %s to %s: %lld transactions, chain head %lld, integrity ok\n"
           "the signing key is not in it: keep the key's own copy apart (docs/operations.md)\n",
           cfg.db, backup_to, (long long)rows, (long long)head);
    return 0;
  }
  if (config_check(&cfg, err, sizeof err) != 0) {
    fprintf(stderr, "tilld: %s\n", err);
    return 2;
  }
  /* ---- keys: the signing key out of the database owner's reach ---- */
  if (ledger_key_check(cfg.signing_key, cfg.db, cfg.signing_key_strict, err, sizeof err) != 0) {
    fprintf(stderr, "tilld: %s\n", err);
    return 2;
  }
  if (!cfg.signing_key_strict)
    log_notice(LD_LEDGER,
               "signing_key_check = dev: the signing key's owner is not checked, so whoever "
               "runs as the database's owner may replace it; never in production");
  store_tune_malloc(); /* before any thread starts */
  return server_run(&cfg);
}
