/* toll_schema.c -- schema step 7: toll lanes (docs/tolls.md).
 *
 * The network (stations, the distance of each entry-exit pair), versioned
 * tariffs with a rate per vehicle class, the lanes (a terminal at a station,
 * entry or exit), the holiday calendar, the pass cards issued at entry and
 * the passages settled at exit. The money is in the journal: a paid toll is
 * Dr <method's account> / Cr revenue:toll, an exemption Dr waiver:<type> /
 * Cr revenue:toll, posted by the engine (ledger_post_toll); a passage row
 * says which vehicle, class, trip and tariff each posting priced.
 * Released: never edit once landed; a change is a new step. */
#include "toll_schema.h"

const store_migration_t toll_schema_v7 = {7, "toll",
  "CREATE TABLE toll_stations ("
  "  code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 16),"
  "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
  "  series TEXT NOT NULL CHECK (length(series) BETWEEN 1 AND 8)," /* its receipts' prefix */
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL"
  ");"
  /* one row per direction driven: entry -> exit */
  "CREATE TABLE toll_distances ("
  "  entry TEXT NOT NULL REFERENCES toll_stations(code),"
  "  exit TEXT NOT NULL REFERENCES toll_stations(code),"
  "  meters INTEGER NOT NULL CHECK (meters BETWEEN 1 AND 10000000),"
  "  set_at INTEGER NOT NULL,"
  "  set_by TEXT NOT NULL,"
  "  PRIMARY KEY (entry, exit),"
  "  CHECK (entry <> exit)"
  ");"
  "CREATE INDEX toll_distances_exit ON toll_distances(exit, meters);"
  /* a tariff applies from effective_at (Unix ms) until the next one */
  "CREATE TABLE toll_tariffs ("
  "  version INTEGER PRIMARY KEY,"
  "  effective_at INTEGER NOT NULL UNIQUE,"
  "  min_fee INTEGER NOT NULL CHECK (min_fee BETWEEN 0 AND 10000000 AND min_fee % 100 = 0),"
  "  axle_rate_e4 INTEGER NOT NULL CHECK (axle_rate_e4 BETWEEN 0 AND 100000000),"
  "  card_fee INTEGER NOT NULL CHECK (card_fee BETWEEN 0 AND 10000000),"
  "  card_hours INTEGER NOT NULL CHECK (card_hours BETWEEN 1 AND 8760),"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL"
  ");"
  "CREATE TABLE toll_rates ("
  "  version INTEGER NOT NULL REFERENCES toll_tariffs(version),"
  "  class TEXT NOT NULL,"
  "  rate_e4 INTEGER NOT NULL CHECK (rate_e4 BETWEEN 0 AND 100000000),"
  "  PRIMARY KEY (version, class)"
  ");"
  "CREATE TRIGGER toll_tariffs_fixed BEFORE UPDATE ON toll_tariffs"
  "  BEGIN SELECT RAISE(ABORT, 'toll: a tariff is never rewritten; add a new version'); END;"
  "CREATE TRIGGER toll_rates_fixed BEFORE UPDATE ON toll_rates"
  "  BEGIN SELECT RAISE(ABORT, 'toll: a tariff is never rewritten; add a new version'); END;"
  "CREATE TABLE toll_lanes ("
  "  terminal_id TEXT PRIMARY KEY,"
  "  station TEXT NOT NULL REFERENCES toll_stations(code),"
  "  direction TEXT NOT NULL CHECK (direction IN ('entry','exit')),"
  "  set_at INTEGER NOT NULL,"
  "  set_by TEXT NOT NULL"
  ");"
  "CREATE TABLE toll_holidays ("
  "  date TEXT PRIMARY KEY CHECK (date IS date(date, '+0 days')),"
  "  name TEXT NOT NULL,"
  "  set_at INTEGER NOT NULL,"
  "  set_by TEXT NOT NULL"
  ");"
  /* a pass card from its issue at entry (no money) to its settling */
  "CREATE TABLE toll_cards ("
  "  id INTEGER PRIMARY KEY,"
  "  card TEXT NOT NULL CHECK (length(card) BETWEEN 1 AND 32),"
  "  entry_station TEXT NOT NULL REFERENCES toll_stations(code),"
  "  class TEXT NOT NULL,"
  "  plate TEXT NOT NULL,"
  "  issued_at INTEGER NOT NULL,"  /* ms */
  "  terminal_id TEXT NOT NULL,"
  "  issued_by TEXT NOT NULL,"
  "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
  "  settled_txn INTEGER UNIQUE REFERENCES journal(id)"
  ");"
  /* a card id is reused once its trip is settled; never two out at once */
  "CREATE UNIQUE INDEX toll_cards_out ON toll_cards(card) WHERE settled_txn IS NULL;"
  "CREATE INDEX toll_cards_shift ON toll_cards(shift_id);"
  "CREATE TRIGGER toll_cards_fixed BEFORE UPDATE OF card, entry_station, class, plate,"
  "  issued_at, terminal_id, issued_by, shift_id ON toll_cards"
  "  BEGIN SELECT RAISE(ABORT, 'toll: a card issue is never rewritten'); END;"
  "CREATE TRIGGER toll_cards_settle_once BEFORE UPDATE OF settled_txn ON toll_cards"
  "  WHEN OLD.settled_txn IS NOT NULL"
  "  BEGIN SELECT RAISE(ABORT, 'toll: a card is settled once'); END;"
  "CREATE TRIGGER toll_cards_no_delete BEFORE DELETE ON toll_cards"
  "  BEGIN SELECT RAISE(ABORT, 'toll: a card issue is never deleted'); END;"
  /* one row per vehicle through an exit: paid or exempt. card_state: 'card'
   * (settled a card), 'lost' (lost or damaged: priced from the farthest
   * entry plus the card fee), 'none' (no card, entry given). exempt: '' for
   * a paid toll, else the exemption. flags: a comma list of special cases
   * ('plate_mismatch', 'class_mismatch', 'green_failed'). */
  "CREATE TABLE toll_passages ("
  "  txn_id INTEGER PRIMARY KEY REFERENCES journal(id),"
  "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
  "  at_ms INTEGER NOT NULL,"
  "  exit_station TEXT NOT NULL,"
  "  entry_station TEXT NOT NULL,"
  "  card_state TEXT NOT NULL CHECK (card_state IN ('card','lost','none')),"
  "  card_id INTEGER REFERENCES toll_cards(id),"
  "  class TEXT NOT NULL,"
  "  axles INTEGER NOT NULL,"
  "  seats INTEGER NOT NULL,"
  "  plate TEXT NOT NULL,"
  "  meters INTEGER NOT NULL,"
  "  tariff_version INTEGER NOT NULL REFERENCES toll_tariffs(version),"
  "  toll INTEGER NOT NULL,"      /* fen: what the trip costs (charged or waived) */
  "  card_fee INTEGER NOT NULL,"  /* fen: charged for a lost card */
  "  exempt TEXT NOT NULL CHECK (exempt IN ('','green_channel','holiday','military','police',"
  "    'emergency','disaster_relief')),"
  "  pass_ref TEXT NOT NULL DEFAULT '',"
  "  inspector TEXT NOT NULL DEFAULT '',"
  "  cargo TEXT NOT NULL DEFAULT '',"
  "  inspection TEXT NOT NULL DEFAULT '' CHECK (inspection IN ('','pass','fail')),"
  "  flags TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE INDEX toll_passages_shift ON toll_passages(shift_id);"
  "CREATE TRIGGER toll_passages_no_update BEFORE UPDATE ON toll_passages"
  "  BEGIN SELECT RAISE(ABORT, 'toll: passages are append-only'); END;"
  "CREATE TRIGGER toll_passages_no_delete BEFORE DELETE ON toll_passages"
  "  BEGIN SELECT RAISE(ABORT, 'toll: passages are append-only'); END;"
};
