#!/usr/bin/env bash
# test_waivers.sh -- waivers (减免), late fees (违约金), statements, arrears,
# the collection rate and reminders against a real tilld and the real till.
# A fixture of 12 payers in two complexes charged four heating seasons
# (2023-2024 .. 2026-2027) at 20.00/m²; some pay (cash, a cheque left
# pending), one is granted a waiver. Every expected figure is computed here
# by python from the fixture (areas, the rate, who paid what), never read
# back from the code under test. Also: a waiver its requester approves is
# refused, one over the open amount is refused with nothing written, the
# roles (cashiers ask, supervisors decide, auditors read), the late fee's
# worked figure, and `till audit verify` over the new kinds.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam kim audrey
world_login T-LANE-01:carol ADMIN-01:sam ADMIN-01:kim T-LANE-02:audrey
admin() { till_as ADMIN-01 "$@"; }
carol() { till_user T-LANE-01 carol "$@"; }
sam() { till_user ADMIN-01 sam "$@"; }
kim() { till_user ADMIN-01 kim "$@"; }
audrey() { till_user T-LANE-02 audrey "$@"; }
is() { assert_eq "$2" "$1" "line ${BASH_LINENO[0]}"; }
journal_count() { sql "SELECT count(*) FROM journal"; }
# jq-less JSON: py EXPR -- EXPR over the last command's stdout parsed as d
# (a tuple prints as its items separated by spaces)
py() {
  python3 -c "import json; d = json.load(open('$T/last.out')); r = ($1)
print(' '.join(map(str, r)) if isinstance(r, tuple) else r)"
}

step "the fixture: 12 payers, four heating seasons"
# payer i: complex A (阳光小区) for odd i, B (幸福家园) for even; area
# (i * 731) % 9000 + 5000 hundredths of m²
python3 - "$T/payers.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('complex,unit,owner,phone,area,occupancy\n')
    for i in range(1, 13):
        a = (i * 731) % 9000 + 5000
        f.write('%s,1-1-%d,户主%d,1390000%04d,%d.%02d,occupied\n'
                % ('阳光小区' if i % 2 else '幸福家园', 100 + i, i, i, a // 100, a % 100))
PY
expect_rc 0 admin payer import "$T/payers.csv"
is "$(sql "SELECT count(*) FROM payers")" 12
expect_rc 0 admin admin series add HB --kind billing
expect_rc 0 admin scheme add heating --name 供暖费 --rule area_season --period season
expect_rc 0 admin tariff add --scheme heating --from 2023-09-01 --rate 20
for y in 2023 2024 2025 2026; do
  expect_rc 0 admin charge run --scheme heating --period "$y-$((y + 1))"
done
is "$(sql "SELECT count(*) FROM charges")" 48
# the model: charge (payer, year) = area x 20.00, rounded half up (exact here)
cat >"$T/model.py" <<'PY'
import json, sys
area = {i: (i * 731) % 9000 + 5000 for i in range(1, 13)}
cx = {i: ('阳光小区' if i % 2 else '幸福家园') for i in range(1, 13)}
years = [2023, 2024, 2025, 2026]
amount = {(i, y): (area[i] * 200000 + 5000) // 10000 for i in area for y in years}
paid = {k: 0 for k in amount}; pend = {k: 0 for k in amount}; waived = {k: 0 for k in amount}
# payer 1 pays everything in cash; payer 2 pays its 2023 charge; payer 3 pays
# 2023 and 2024 by a cheque left pending; payer 4 gets 100.00 of 2024 waived
for y in years: paid[(1, y)] = amount[(1, y)]
paid[(2, 2023)] = amount[(2, 2023)]
for y in (2023, 2024): pend[(3, y)] = amount[(3, y)]
waived[(4, 2024)] = 10000
def open_(k): return amount[k] - paid[k] - pend[k] - waived[k]
def yuan(f): return '%d.%02d' % (f // 100, f % 100)
PY
charge() { sql "SELECT id FROM charges WHERE payer_id = $1 AND period = '$2-$(($2 + 1))'"; }
amt() { python3 -c "exec(open('$T/model.py').read()); print(amount[($1, $2)])"; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

step "payments: payer 1 all, payer 2 its oldest, payer 3 by a pending cheque"
open_shift T-LANE-01 carol
all1=$(python3 -c "exec(open('$T/model.py').read()); print(sum(amount[(1, y)] for y in years))")
expect_rc 0 carol pay 1 --amount "$(yuan "$all1")" --method cash --tendered "$(yuan "$all1")"
expect_rc 0 carol pay 2 --amount "$(yuan "$(amt 2 2023)")" --method card
expect_rc 0 carol pay 3 --amount "$(yuan $(($(amt 3 2023) + $(amt 3 2024))))" --method cheque \
  --ref "CHQ-3"
is "$(sql "SELECT count(*) FROM cheques WHERE state = 'pending'")" 1

step "waiver request: reason and document required, roles, never over the open amount"
C4=$(charge 4 2024)
A4=$(amt 4 2024)
W0=$(sql "SELECT count(*) FROM waivers")
expect_rc 2 carol waiver request 4 --charge "$C4" --amount 100 --reason 困难户
expect_rc 2 carol waiver request 4 --charge "$C4" --amount 100 --doc 减免字〔2026〕12号
expect_rc 2 carol waiver request 4 --charge "$C4" --scheme heating --amount 100 --reason x --doc y
expect_rc_contains 13 "your roles do not allow" audrey waiver request 4 --charge "$C4" \
  --amount 100 --reason 困难户 --doc 减免字〔2026〕12号
expect_rc_contains 15 "would be more than that" carol waiver request 4 --charge "$C4" \
  --amount "$(yuan $((A4 + 1)))" --reason 困难户 --doc 减免字〔2026〕12号
expect_rc_contains 14 "has no charge" carol waiver request 4 --scheme heating --period 2019-2020 \
  --amount 1 --reason 困难户 --doc X
is "$(sql "SELECT count(*) FROM waivers")" "$W0"
expect_rc 0 carol --json waiver request 4 --scheme heating --period 2024-2025 --amount 100 \
  --reason 困难户 --doc 减免字〔2026〕12号
WID=$(py "d['id']")
is "$(py "d['state'], d['charge_id'], d['amount'], d['doc_ref']")" \
  "pending $C4 100.00 减免字〔2026〕12号"

step "waiver approve: not a cashier, not the requester; a supervisor who did not ask"
before=$(journal_count)
expect_rc_contains 13 "your roles do not allow" carol waiver approve "$WID"
# kim (cashier and supervisor) asks for one and may not approve it herself
expect_rc 0 kim --json waiver request 5 --scheme heating --period 2025-2026 --amount 50 \
  --reason 孤寡老人 --doc 减免字〔2026〕13号
KID=$(py "d['id']")
expect_rc_contains 13 "another supervisor must decide it" kim waiver approve "$KID"
expect_rc_contains 13 "another supervisor must decide it" kim waiver reject "$KID"
is "$(journal_count)" "$before"
is "$(sql "SELECT state FROM waivers WHERE id = $KID")" 1
expect_rc 0 sam --json waiver reject "$KID" --note 材料不全
is "$(py "d['state'], d['decided_by']")" "rejected sam"
expect_rc 0 sam --json waiver approve "$WID" --note 同意 --idem-key 0000000000000000000000000000a001
is "$(py "d['state'], d['decided_by'], d['charge_open']")" "approved sam $(yuan $((A4 - 10000)))"
is "$(journal_count)" $((before + 1))
# the retry with the same key answers the same decision and posts nothing
expect_rc 0 sam --json waiver approve "$WID" --idem-key 0000000000000000000000000000a001
is "$(py "d['replayed'], d['state']")" "True approved"
expect_rc_contains 15 "already approved" kim waiver approve "$WID"
is "$(journal_count)" $((before + 1))
is "$(sql "SELECT waived FROM charges WHERE id = $C4")" 10000
is "$(sql "SELECT source, amount FROM settlements WHERE charge_id = $C4")" "waiver|10000"
is "$(sql "SELECT e.account, e.amount FROM journal j JOIN entries e ON e.txn_id = j.id
  WHERE j.kind = 'waiver' ORDER BY e.seq")" "waiver:heating|10000
receivable:payer:4|-10000"
is "$(sql "SELECT cashier, approver FROM journal WHERE kind = 'waiver'")" "carol|sam"

step "a waiver over what is open by its approval is refused, nothing written"
C6=$(charge 6 2023)
A6=$(amt 6 2023)
expect_rc 0 carol --json waiver request 6 --charge "$C6" --amount "$(yuan "$A6")" --reason 拆迁 \
  --doc 核销字〔2026〕1号
W6=$(py "d['id']")
expect_rc_contains 15 "already pending" carol waiver request 6 --charge "$C6" --amount 1 \
  --reason 拆迁 --doc 核销字〔2026〕1号
expect_rc 0 carol pay 6 --amount 1 --method cash --tendered 1 --charge "$C6"
before=$(journal_count)
expect_rc_contains 15 "reject it and ask again" sam waiver approve "$W6"
is "$(journal_count)" "$before"
is "$(sql "SELECT waived, state FROM charges c JOIN waivers w ON w.charge_id = c.id WHERE w.id = $W6")" \
  "0|1"
expect_rc 0 sam waiver reject "$W6" --note 已部分缴费
# the model knows payer 6 paid 1.00 of 2023
python3 - "$T/model.py" <<'PY'
import sys
open(sys.argv[1], 'a').write('paid[(6, 2023)] = 100\n')
PY

step "waiver list: pending only, for cashiers, supervisors and auditors"
expect_rc 0 audrey --json waiver list
is "$(py "len(d['waivers'])")" 3
expect_rc 0 carol --json waiver list --pending
is "$(py "len(d['waivers'])")" 0
expect_rc 0 sam waiver list --payer 4
assert_last_contains "减免字〔2026〕12号"

step "the statement of payer 4 and payer 2, by year"
expect_rc 0 carol --json payer statement 4
python3 - "$T/last.out" "$T/model.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); exec(open(sys.argv[2]).read())
got = [(y['year'], y['charged'], y['waived'], y['open']) for y in d['years']]
want = [(y, yuan(amount[(4, y)]), yuan(waived[(4, y)]), yuan(open_((4, y)))) for y in years]
assert got == want, (got, want)
assert d['open'] == yuan(sum(open_((4, y)) for y in years)), d['open']
w = [s for s in d['settlements'] if s['source'] == 'waiver']
assert len(w) == 1 and w[0]['amount'] == '100.00' and w[0]['by'] == 'sam', w
assert d['late_fees'] == [] and d['late_fee'] == '0.00'
PY
expect_rc 0 audrey --json payer statement 2
python3 - "$T/last.out" "$T/model.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); exec(open(sys.argv[2]).read())
got = [(y['year'], y['paid'], y['open']) for y in d['years']]
want = [(y, yuan(paid[(2, y)]), yuan(open_((2, y)))) for y in years]
assert got == want, (got, want)
p = [s for s in d['settlements'] if s['source'] == 'payment']
assert len(p) == 1 and p[0]['receipt'].startswith('HB') and p[0]['method'] == 'card', p
PY
expect_rc 0 carol payer statement 4
assert_last_contains "waived 100.00, open 1484.80"
expect_rc_contains 14 "no payer 99" carol payer statement 99
expect_rc_contains 11 "not a date" carol payer statement 4 --as-of 2026-02-30

step "the monthly report lists the approved waiver under its scheme"
expect_rc 0 sam --json report monthly --month "$(date +%Y-%m)"
is "$(py "[(w['account'], w['count'], w['amount']) for w in d['waivers']]")" \
  "[('waiver:heating', 1, '100.00')]"

step "late fees: the rule, the statement's figure, the posting"
expect_rc 13 sam latefee set --scheme heating --daily-rate 0.0005 --grace-days 30 --cap 10
expect_rc_contains 14 "no scheme" admin latefee set --scheme water --daily-rate 0.0005 \
  --grace-days 30 --cap 10
expect_rc_contains 0 "0.000500 a day after 30 days' grace" admin latefee set --scheme heating \
  --daily-rate 0.0005 --grace-days 30 --cap 10
# as of 90 days from today: 60 days late on every open charge (all made
# today); per charge open x 500 x 60 micro-fen, at most amount x 1000 x 100,
# summed, rounded once half up
asof=$(date -d "+90 days" +%F)
expect_rc 0 carol --json payer statement 4 --as-of "$asof"
want=$(python3 -c "
exec(open('$T/model.py').read())
t = sum(min(open_((4, y)) * 500 * 60, amount[(4, y)] * 1000 * 100) for y in years if open_((4, y)) > 0)
print(yuan((t + 500000) // 1000000))")
is "$(py "d['late_fee'], d['as_of']")" "$want $asof"
# today nothing is late: nothing to post
before=$(journal_count)
expect_rc_contains 15 "owes no late fee" sam latefee post 7 --scheme heating
# payer 7's charges made 100 days ago (created_at is the fixture's clock,
# not part of a posting): 70 days late, 7 charges' worth
sql "UPDATE charges SET created_at = created_at - 100 * 86400 WHERE payer_id = 7"
want7=$(python3 -c "
exec(open('$T/model.py').read())
t = sum(min(amount[(7, y)] * 500 * 70, amount[(7, y)] * 1000 * 100) for y in years)
print((t + 500000) // 1000000)")
expect_rc 13 carol latefee post 7 --scheme heating
expect_rc 0 sam --json latefee post 7 --scheme heating --idem-key 0000000000000000000000000000b001
is "$(py "d['amount']")" "$(yuan "$want7")"
is "$(sql "SELECT kind, amount, year FROM charges WHERE payer_id = 7 AND kind = 'late_fee'")" \
  "late_fee|$want7|$(date +%Y)"
is "$(sql "SELECT e.account, e.amount FROM journal j JOIN entries e ON e.txn_id = j.id
  WHERE j.kind = 'late_fee' ORDER BY e.seq")" "receivable:payer:7|$want7
revenue:late_fee:heating|-$want7"
expect_rc 0 sam --json latefee post 7 --scheme heating --idem-key 0000000000000000000000000000b001
is "$(py "d['replayed']")" True
expect_rc_contains 15 "owes no late fee" sam latefee post 7 --scheme heating
is "$(journal_count)" $((before + 1))
expect_rc 0 audrey --json payer statement 7
is "$(py "d['late_fee']")" 0.00
python3 - "$T/model.py" "$want7" <<'PY'
import sys
open(sys.argv[1], 'a').write('late7 = %s\n' % sys.argv[2])
PY

step "arrears aged by year, per complex"
expect_rc 13 carol report arrears
expect_rc 0 audrey --json report arrears
python3 - "$T/last.out" "$T/model.py" <<'PY'
import json, sys, datetime
d = json.load(open(sys.argv[1])); exec(open(sys.argv[2]).read())
cur = datetime.date.today().year
rows = {}
for (i, y), a in amount.items():
    o = open_((i, y))
    if o > 0:
        r = rows.setdefault((cx[i], y), [set(), 0]); r[0].add(i); r[1] += o
# the late fee of payer 7 is a charge of this year
r = rows.setdefault((cx[7], cur), [set(), 0]); r[0].add(7); r[1] += late7
want = sorted((c, 'heating', y, min(max(cur - y, 0), 3), len(p), yuan(o)) for (c, y), (p, o) in rows.items())
got = sorted((r['complex'], r['scheme'], r['year'], r['age'], r['payers'], r['open']) for r in d['rows'])
assert got == want, (got, want)
ages = [0] * 4
for (c, y), (p, o) in rows.items(): ages[min(max(cur - y, 0), 3)] += o
assert d['age_totals'] == [yuan(a) for a in ages], (d['age_totals'], ages)
assert d['payers'] == len({i for (i, y) in amount if open_((i, y)) > 0}), d['payers']
PY
expect_rc 0 sam report arrears --complex 阳光小区
assert_last_contains "3 years or more"

step "collection rate of 2023-2024 and 2024-2025: cleared money only"
expect_rc 13 carol report collection --period 2023-2024
for y in 2023 2024; do
  expect_rc 0 sam --json report collection --period "$y-$((y + 1))" --scheme heating
  python3 - "$T/last.out" "$T/model.py" "$y" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); exec(open(sys.argv[2]).read()); y = int(sys.argv[3])
ks = [k for k in amount if k[1] == y]
charged = sum(amount[k] for k in ks); w = sum(waived[k] for k in ks)
due = charged - w; coll = sum(paid[k] for k in ks); pending = sum(pend[k] for k in ks)
rate = (2 * coll * 10000 + due) // (2 * due)
assert (d['charged'], d['waived'], d['due'], d['collected'], d['pending'], d['rate_bp']) == \
    (yuan(charged), yuan(w), yuan(due), yuan(coll), yuan(pending), rate), d
cxs = {}
for k in ks: c = cxs.setdefault(cx[k[0]], [0, 0]); c[0] += amount[k] - waived[k]; c[1] += paid[k]
got = {r['key']: (r['due'], r['collected'], r['rate_bp']) for r in d['rows'] if r['by'] == 'complex'}
want = {c: (yuan(a), yuan(b), (2 * b * 10000 + a) // (2 * a)) for c, (a, b) in cxs.items()}
assert got == want, (got, want)
col = {r['key']: r['collected'] for r in d['rows'] if r['by'] == 'collector'}
assert col == {'carol': yuan(coll)}, col
PY
done
# the cheque clears: it now counts
expect_rc 0 sam cheque clear "$(sql "SELECT id FROM cheques")"
expect_rc 0 sam --json report collection --period 2023-2024
want=$(python3 -c "exec(open('$T/model.py').read()); print(yuan(sum(paid[k] + pend[k] for k in amount if k[1] == 2023)))")
is "$(py "d['collected'], d['pending']")" "$want 0.00"

step "reminders and the legal list; no cut-off is ever offered"
expect_rc_contains 15 "owes nothing" carol reminder record 1 --channel letter
expect_rc 2 carol reminder record 8
expect_rc_contains 11 "channel" carol reminder record 8 --channel cutoff
for n in 1 2 3; do
  expect_rc_contains 0 "reminders so far: $n" carol reminder record 8 --channel letter --note "第${n}次"
done
expect_rc 0 carol reminder record 9 --channel phone
expect_rc 13 carol report reminders
expect_rc 0 audrey --json report reminders --legal-after 3
is "$(py "[p['payer_id'] for p in d['legal']]")" "[8]"
is "$(py "sorted(p['payer_id'] for p in d['remind'])")" \
  "$(python3 -c "exec(open('$T/model.py').read()); print(sorted({i for (i, y) in amount if open_((i, y)) > 0} - {8}))")"
is "$(py "[(p['owing'], p['years'], p['reminders']) for p in d['legal']]")" \
  "$(python3 -c "exec(open('$T/model.py').read()); print([(yuan(sum(amount[(8, y)] for y in years)), 4, 3)])")"
# owing in all four years
expect_rc 0 sam --json report reminders --min-years 4
is "$(py "sorted(p['payer_id'] for p in d['remind'] + d['legal'])")" \
  "$(python3 -c "exec(open('$T/model.py').read())
print(sorted(i for i in area if all(open_((i, y)) > 0 for y in years)))")"
expect_rc 0 sam report reminders
assert_last_contains "Civil Code art. 944"
assert_last_lacks "cut off"

step "the chain verifies over waivers and late fees"
expect_rc 0 audrey audit verify
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 audrey audit export
cp -- "$T/last.out" "$T/waivers.tillx"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/waivers.tillx"
