"""Reads logschema's Parquet output with DuckDB, for tests/lake.rs.

    lake_check.py compare EVENTS.jsonl 'DIR/<table>/**/*.parquet'
        Checks the Parquet rows equal the JSON-lines events row for row (rows are matched by the
        sequence half of p_row_id; p_parse_time and the random half of p_row_id differ between
        runs), and that each row's partition directory is the hour of its p_event_time.
        Prints "rows N" and exits 0, or prints the differences and exits 1.

    lake_check.py query DDL.sql 'SELECT ...'
        Runs the DDL (`logschema ddl --dialect duckdb`), then the query; prints the rows as JSON.
"""
import datetime
import json
import sys

import duckdb

PARTITIONS = ("year", "month", "day", "hour")
HIVE_TYPES = "{'year': INTEGER, 'month': INTEGER, 'day': INTEGER, 'hour': INTEGER}"


def micros_text(value):
    """A timestamp as the JSON output writes it, cut to microseconds (Parquet's precision)."""
    utc = value.astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f")


# A key the JSON line does not have (`None` is a key it has, with the value null).
MISSING = object()


def same(expected, actual, is_json, path, problems):
    """Compares a JSON-lines value with the Parquet value read by DuckDB; records differences.

    A key the line leaves out must be SQL NULL; a `json` value the line has, null included, must
    be its JSON text (`null` for null)."""
    if expected is MISSING:
        if actual is not None:
            problems.append(f"{path}: {actual!r} in Parquet, not in JSON")
        return
    if (is_json and not isinstance(actual, list)) or (isinstance(actual, str) and not isinstance(expected, str)):
        if actual is None or json.loads(actual) != expected:
            problems.append(f"{path}: JSON text {actual!r} != {expected!r}")
        return
    if actual is None:
        if expected is not None:
            problems.append(f"{path}: null in Parquet, {expected!r} in JSON")
        return
    if isinstance(actual, datetime.datetime):
        if not isinstance(expected, str) or micros_text(actual) != expected[:26]:
            problems.append(f"{path}: {micros_text(actual)} != {expected!r}")
        return
    if isinstance(actual, dict):
        if not isinstance(expected, dict):
            problems.append(f"{path}: struct {actual!r} != {expected!r}")
            return
        for key in expected:
            if key not in actual:
                problems.append(f"{path}.{key}: in JSON, not in Parquet")
        for key, value in actual.items():
            same(expected.get(key, MISSING), value, False, f"{path}.{key}", problems)
        return
    if isinstance(actual, list):
        if not isinstance(expected, list) or len(expected) != len(actual):
            problems.append(f"{path}: list {actual!r} != {expected!r}")
            return
        for index, (left, right) in enumerate(zip(expected, actual)):
            # The elements of a list of `json` values are JSON text each.
            same(left, right, is_json, f"{path}[{index}]", problems)
        return
    if isinstance(actual, float) and isinstance(expected, (int, float)):
        if actual != float(expected):
            problems.append(f"{path}: {actual!r} != {expected!r}")
        return
    if type(actual) is not type(expected) or actual != expected:
        problems.append(f"{path}: {actual!r} != {expected!r}")


def compare(events_path, parquet_glob):
    with open(events_path, encoding="utf-8") as events:
        expected = [json.loads(line) for line in events if line.strip()]
    expected_by_key = {row["p_row_id"][16:]: row for row in expected}
    relation = duckdb.sql(
        f"SELECT * FROM read_parquet('{parquet_glob}', hive_partitioning = true, "
        f"hive_types = {HIVE_TYPES}, union_by_name = true)"
    )
    columns = relation.columns
    types = [str(kind) for kind in relation.types]
    rows = relation.fetchall()
    problems = []
    if len(rows) != len(expected):
        problems.append(f"{len(rows)} Parquet rows, {len(expected)} JSON lines")
    seen = set()
    for values in rows:
        row = dict(zip(columns, values))
        key = row["p_row_id"][16:]
        if key in seen:
            problems.append(f"row {key}: twice in Parquet")
        seen.add(key)
        if key not in expected_by_key:
            problems.append(f"row {key}: in Parquet, not in JSON")
            continue
        want = expected_by_key[key]
        for name in want:
            if name not in row:
                problems.append(f"row {key}: column {name} is missing from Parquet")
        event_time = row["p_event_time"].astimezone(datetime.timezone.utc)
        hour = (event_time.year, event_time.month, event_time.day, event_time.hour)
        if tuple(row[name] for name in PARTITIONS) != hour:
            problems.append(f"row {key}: partition {[row[n] for n in PARTITIONS]} != event hour {hour}")
        for name, kind in zip(columns, types):
            if name in PARTITIONS or name in ("p_row_id", "p_parse_time"):
                continue
            same(want.get(name, MISSING), row[name], kind.rstrip("[]") == "JSON", f"row {key}: {name}", problems)
    for key in expected_by_key.keys() - seen:
        problems.append(f"row {key}: in JSON, not in Parquet")
    if problems:
        print("\n".join(problems[:50]))
        return 1
    print(f"rows {len(rows)}")
    return 0


def query(ddl_path, sql):
    connection = duckdb.connect()
    with open(ddl_path, encoding="utf-8") as ddl:
        connection.execute(ddl.read())
    result = connection.execute(sql).fetchall()
    print(json.dumps([list(row) for row in result], default=str))
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "query":
        return query(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
