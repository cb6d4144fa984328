#!/bin/sh
# Pipelines that feed clubctl's CSV to everyday tools. Run it against a
# data directory to see each one work:
#
#     CLUBCTL_DATA=/srv/club/data sh examples/pipelines.sh
#
# Two things to know about clubctl's CSV:
# - the first line is a header of stable English column names, whatever
#   the language of the office; `tail -n +2` drops it for sort and awk;
# - text cells a spreadsheet would run as formulas (starting with = + - @)
#   get a leading ' in CSV; `member export --raw` keeps the stored text,
#   which is what a database load wants.
# awk -F, splits on every comma, also inside a quoted name; where names may
# hold commas, load the CSV into sqlite3, which reads quoting properly.
set -eu

# `member list --format csv` columns:
# 1 id, 2 name, 3 phone, 4 gender, 5 birthday, 6 kind, 7 status, 8 tier,
# 9 card, 10 joined, 11 expires, 12 sales

echo "## members per status"
clubctl member list --format csv | tail -n +2 | cut -d, -f7 | sort | uniq -c

echo "## active members per tier"
clubctl member list --status active --format csv \
  | awk -F, 'NR > 1 { n[$8]++ } END { for (t in n) printf "%s\t%d\n", t, n[t] }' \
  | sort

echo "## the ten terms ending first (active and grace)"
clubctl member list --status active --status grace --format csv \
  | tail -n +2 | sort -t, -k11,11 | head -n 10 | cut -d, -f1,2,11

echo "## members who joined per month"
clubctl member list --format csv \
  | awk -F, 'NR > 1 && $10 != "" { print substr($10, 1, 7) }' | sort | uniq -c

echo "## points and members per tier, in sqlite3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clubctl member export --raw > "$tmp/members.csv"
sqlite3 "$tmp/club.db" <<SQL
.import --csv $tmp/members.csv members
.mode list
.separator "\t"
SELECT tier, count(*), sum(CAST(points AS INTEGER))
  FROM members WHERE status IN ('active', 'grace')
  GROUP BY tier ORDER BY tier;
SQL

echo "## the five largest points balances, phones masked"
clubctl member export --mask > "$tmp/masked.csv"
sqlite3 "$tmp/club.db" <<SQL
.import --csv $tmp/masked.csv masked
.mode list
.separator "\t"
SELECT id, name, phone, points FROM masked
  ORDER BY CAST(points AS INTEGER) DESC, id LIMIT 5;
SQL
