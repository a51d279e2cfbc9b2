#!/usr/bin/env python3
"""The reference side of the gonghui benchmarks (issue 4), and the report.

  reference.py sqlite-import MEMBERS_CSV WORKDIR   raw `sqlite3 .import` of the roster into a
                                                   plain WAL table (Debian's sqlite3 CLI; the
                                                   Python sqlite3 module if the CLI is missing)
  reference.py duckdb DATADIR                      DuckDB aggregating the CSVs from scratch for
                                                   each target of DATADIR/targets.json
  reference.py report RESULTS.json                 the table printed by bench/run

Each measuring command prints one JSON object on its last line.
"""

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def sqlite_import(members_csv, workdir):
    db = os.path.join(workdir, "raw_import.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    cli = shutil.which("sqlite3")
    with open(members_csv, encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    if cli:
        script = (
            "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
            ".mode csv\n.import '%s' members\n" % members_csv.replace("'", "''")
        )
        start = time.perf_counter()
        subprocess.run([cli, db], input=script.encode(), check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        how = "sqlite3 CLI " + subprocess.run([cli, "-version"], capture_output=True, text=True).stdout.split()[0]
    else:
        # Fallback: what `.import` does — create a plain table from the header and insert
        # every row in one transaction with a prepared statement.
        import sqlite3

        start = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        with open(members_csv, encoding="utf-8", newline="") as f:
            r = csv.reader(f)
            header = next(r)
            con.execute("CREATE TABLE members (%s)" % ",".join('"%s" TEXT' % h for h in header))
            con.executemany(
                "INSERT INTO members VALUES (%s)" % ",".join("?" * len(header)), r
            )
        con.commit()
        con.close()
        seconds = time.perf_counter() - start
        how = "python sqlite3 module %s (fallback: no sqlite3 CLI)" % sqlite3.sqlite_version
    print(json.dumps({"sqlite_import": {"how": how, "rows": rows, "seconds": seconds,
                                        "rows_per_second": rows / seconds}}))


def duckdb_stats(datadir, repeat):
    import duckdb

    targets = json.load(open(os.path.join(datadir, "targets.json"), encoding="utf-8"))
    csv_of = lambda n: os.path.join(datadir, n).replace("'", "''")
    out = []
    for t in targets:
        prefix = t["path"].replace("'", "''")
        # From scratch: a new in-memory database reads the CSV files and aggregates the same
        # totals as Store::subtree_totals (active orgs, grassroots unions, covered units and
        # their employees, members) for the subtree, counted along affiliation (the path).
        query = f"""
        WITH o AS (SELECT id, path, kind, uscc FROM read_csv('{csv_of("orgs.csv")}', header=true,
                   columns={{'id':'BIGINT','parent_id':'BIGINT','path':'VARCHAR','kind':'VARCHAR','uscc':'VARCHAR','name':'VARCHAR'}})
                   WHERE starts_with(path, '{prefix}')),
             u AS (SELECT covering_org_id, employees FROM read_csv('{csv_of("units.csv")}', header=true,
                   columns={{'id':'BIGINT','uscc':'VARCHAR','name':'VARCHAR','region_code':'VARCHAR','ownership':'VARCHAR','employees':'BIGINT','covering_org_id':'BIGINT'}})),
             m AS (SELECT "所在工会" AS org FROM read_csv('{csv_of("members.csv")}', header=true, all_varchar=true))
        SELECT (SELECT count(*) FROM o),
               (SELECT count(*) FROM o WHERE kind = 'grassroots'),
               (SELECT count(*) FROM u JOIN o ON o.id = u.covering_org_id),
               (SELECT coalesce(sum(employees), 0) FROM u JOIN o ON o.id = u.covering_org_id),
               (SELECT count(*) FROM m JOIN o ON o.uscc = m.org)
        """
        times, row = [], None
        for _ in range(repeat):
            con = duckdb.connect()
            start = time.perf_counter()
            row = con.execute(query).fetchone()
            times.append(time.perf_counter() - start)
            con.close()
        out.append({
            "level": t["level"], "name": t["name"], "seconds_min": min(times),
            "seconds_median": statistics.median(times),
            "totals": dict(zip(["orgs", "grassroots", "covered_units",
                                "employees_in_covered_units", "members"], row)),
        })
        print(f"{t['level']} {t['name']}: duckdb {min(times):.3f}s {row}", file=sys.stderr)
    print(json.dumps({"duckdb": {"version": duckdb.__version__, "threads": os.cpu_count(),
                                 "targets": out}}, ensure_ascii=False))


def report(path):
    r = json.load(open(path, encoding="utf-8"))
    gen = r.get("generate", {})
    shape = gen.get("shape", {})
    print()
    print(f"Data set: {shape.get('grassroots')} grassroots unions, {shape.get('units')} units, "
          f"{shape.get('members')} members (region {shape.get('region')}, seed {shape.get('seed')}); "
          f"generated in {gen.get('seconds', 0):.1f}s")
    print()
    raw = r.get("sqlite_import")
    imps = [i for i in (r.get("import"), r.get("import_standin")) if i]
    if imps and raw:
        print("Member import (full validation) vs sqlite3 .import, same rows, same run")
        print(f"  {'':30} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'ratio':>7}  target >= 0.5x")
        rounds = lambda r: ("  rounds: " + ", ".join(f"{x:.2f}" for x in r["rounds"])) if r.get("rounds") else ""
        print(f"  {raw['how'][:30]:30} {raw['rows']:>10} {raw['seconds']:>9.2f} {raw['rows_per_second']:>10.0f}"
              f"         {rounds(raw)}")
        for imp in imps:
            ratio = imp["rows_per_second"] / raw["rows_per_second"]
            print(f"  {'gonghui ' + imp['engine']:30} {imp['rows']:>10} {imp['seconds']:>9.2f} "
                  f"{imp['rows_per_second']:>10.0f} {ratio:>6.2f}x  {'met' if ratio >= 0.5 else 'NOT met'}"
                  f"{rounds(imp)}")
        if raw.get("rounds"):
            print("  (seconds: the median of the rounds; each round ran the reference and gonghui back to back)")
        print()
    stats, duck = r.get("stats"), r.get("duckdb")
    if stats and duck:
        print("Subtree statistics vs DuckDB aggregating the CSV files from scratch, same run")
        print(f"  {'level':9} {'org':14} {'members':>9} {'gonghui API':15} {'gonghui s':>10} "
              f"{'duckdb s':>9} {'ratio':>9}  target <= 0.1x")
        by_level = {d["level"]: d for d in duck["targets"]}
        for s in stats:
            d = by_level[s["level"]]
            apis = s.get("apis") or {s["api"]: s}
            for api, m in apis.items():
                g = m["median_seconds"]
                ratio = g / d["seconds_min"]
                same = all(int(m["totals"][k]) == int(d["totals"][k]) for k in d["totals"])
                print(f"  {s['level']:9} {s['name'][:12]:14} {d['totals']['members']:>9} {api:15} "
                      f"{g:>10.4f} {d['seconds_min']:>9.3f} {ratio:>8.4f}x  "
                      f"{'met' if ratio <= 0.1 else 'NOT met'}{'' if same else '  (TOTALS DIFFER!)'}")
        print(f"  gonghui: median of the warm calls; DuckDB {duck['version']}: "
              f"fastest of the from-scratch runs")
        print()


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "sqlite-import":
        sqlite_import(sys.argv[2], sys.argv[3])
    elif cmd == "duckdb":
        duckdb_stats(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif cmd == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)
