"""``python -m etl spark-parse INPUT_DIR OUT_DIR [--master URL]``: parse on Apache Spark.

The cluster runs exactly what the DuckDB loader's workers run (warehouse/load/parse_worker.py
``parse_one``: etl.parser → warehouse/load/transform.py ``record_to_rows``), one
partition of files per task. The driver then applies the loader's two cross-document rules
with the loader's own functions — a byte-identical copy of an earlier file is skipped (a copy
of a rejected file is rejected), and a project key another document already owns is
re-keyed (``foreign_project_keys`` + ``resolve_duplicates``) — and Spark writes every table
as Parquet with the DuckDB schema's types (warehouse/export/parquet_layout.py says where).
The goal review is not part of a parse: it runs set-based in DuckDB when the Parquet output
is loaded (``python -m etl load --from-parquet``). See docs/scale_out.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from warehouse.export import parquet_layout as layout
from warehouse.load.parse_worker import ParseOutcome, WorkerConfig

if TYPE_CHECKING:  # pyspark is a dev dependency, imported only where Spark runs
    import pyarrow as pa
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

Task = tuple[int, str, bytes | None, str]  # (index, path, bytes when remote, parser version)

DEFAULT_MASTER = "local[2]"
# Small footprint by default: the machine (or laptop) is shared; a cluster overrides these.
LOCAL_CONF = {
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.sources.partitionOverwriteMode": "static",
    # Not ./spark-warehouse in whatever folder the command runs from.
    "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "goal-warehouse-spark-sql"),
}
DOCS_PER_TASK = 64  # files per Spark task: enough to amortise the Python worker start
_SMALL_TABLES = ("dim_unit", "dim_indicator", "dim_fiscal_year", "reject")


@dataclasses.dataclass
class SparkParseResult:
    """What a Spark parse wrote (also stored as OUT_DIR/_spark_parse.json)."""

    input: str
    output: str
    master: str
    parser_version: str
    rules_digest: str
    files_seen: int = 0
    documents: int = 0
    rejected: list[tuple[str, str, str | None]] = dataclasses.field(default_factory=list)
    duplicates: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    parsed_at: str = ""
    elapsed_s: float = 0.0


def is_remote(uri: str) -> bool:
    """Object storage or HDFS (``s3a://``, ``hdfs://``…): files are read through Spark."""
    return "://" in uri and not uri.startswith("file://")


def _local(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def build_session(
    master: str | None = None,
    app: str = "goal-warehouse-parse",
    conf: dict | None = None,
    log_level: str = "ERROR",
) -> SparkSession:
    """A SparkSession; local masters get the small defaults and this interpreter for the
    Python workers (so they see the same packages). ``conf`` adds or overrides settings."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    if master:
        builder = builder.master(master)
    if master is None or master.startswith("local"):
        for key, value in LOCAL_CONF.items():
            if key not in (conf or {}):
                builder = builder.config(key, value)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(log_level)
    return session


# ------------------------------------------------------------------ executor side


def _parse_item(path: str, data: bytes | None, version: str, config: WorkerConfig) -> ParseOutcome:
    """One file → ParseOutcome, through the loader's ``parse_one``. Remote files arrive as
    bytes and are parsed from a temporary copy with the same name (readers go by suffix)."""
    from warehouse.load.parse_worker import parse_one

    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            return ParseOutcome(path, "", 0, version, error=f"无法读取文件 ({exc.strerror or exc})")
    task = (path, hashlib.sha256(data).hexdigest(), len(data), version)
    if not is_remote(path):
        return parse_one(task, config)
    from etl.parser import parse_file

    with tempfile.TemporaryDirectory(prefix="spark-parse-") as tmp:
        copy = Path(tmp) / PurePosixPath(path).name
        copy.write_bytes(data)
        return parse_one(task, dataclasses.replace(config, parse=lambda _path: parse_file(copy)))


def _parse_partition(
    items: Iterable[Task], config: WorkerConfig
) -> Iterator[tuple[int, ParseOutcome]]:
    for index, path, data, version in items:
        yield index, _parse_item(path, data, version, config)


def _resolved_tables(
    item: tuple[int, ParseOutcome], kept: dict[int, int], foreign: dict[int, set[int]]
) -> Iterator[tuple[int, dict[str, list[dict]]]]:
    """(load position, rows) of a kept document, with the loader's duplicate-project rule."""
    from warehouse.load.transform import resolve_duplicates

    index, outcome = item
    position = kept.get(index)
    if position is None or outcome.rows is None:
        return
    resolve_duplicates(outcome.rows, foreign.get(outcome.rows.document_id, set()))
    yield position, outcome.rows.tables


def dimension_rank(table: str, position: int, ordinal: int) -> int:
    """Which row of a shared dimension the loader keeps, as a number (the smallest wins).
    Units: the last row of the last document (upsert, latest wins). Indicators and years:
    the loader inserts only new keys per batch of BATCH_DOCUMENTS, keeping the batch's last
    row: the first batch wins, and inside it the last row."""
    from warehouse.load.loader import BATCH_DOCUMENTS

    order = (position << 20) + ordinal
    if table == "dim_unit":
        return -order
    return ((position // BATCH_DOCUMENTS) << 40) - order


def _arrow_partition(docs: Iterable[tuple[int, dict[str, list[dict]]]]) -> Iterator[tuple]:
    """One Arrow IPC stream per table for a whole partition: the rows cross from Python to
    the JVM once, typed by ``schema.arrow_schema`` exactly as the DuckDB loader's inserts."""
    import pyarrow as pa

    from warehouse.schema import ddl as schema

    buckets: dict[str, list[dict]] = {}
    for position, tables in docs:
        for table, rows in tables.items():
            if table in layout.SHARED_DIMENSIONS:
                rows = [
                    dict(row, _rank=dimension_rank(table, position, n))
                    for n, row in enumerate(rows)
                ]
            buckets.setdefault(table, []).extend(rows)
    for table, rows in buckets.items():
        arrow_schema = _with_rank(schema.arrow_schema(table), table)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, arrow_schema) as writer:
            writer.write_table(pa.Table.from_pylist(rows, schema=arrow_schema))
        yield table, len(rows), sink.getvalue().to_pybytes()


def _with_rank(arrow_schema: pa.Schema, table: str) -> pa.Schema:
    import pyarrow as pa

    if table in layout.SHARED_DIMENSIONS:
        return arrow_schema.append(pa.field("_rank", pa.int64()))
    return arrow_schema


def _decode(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa

    for batch in batches:
        for data in batch.column("data").to_pylist():
            yield from pa.ipc.open_stream(data)


# ------------------------------------------------------------------ driver side


def _tasks(spark: SparkSession, input_uri: str) -> RDD[Task]:
    """RDD of (index, path, bytes|None, parser version) in the loader's file order."""
    from warehouse.load.discover import find_documents, is_candidate
    from warehouse.load.parse_worker import ManifestVersions, parser_version

    base = parser_version()
    if not is_remote(input_uri):
        candidates = find_documents([Path(_local(input_uri))]).candidates
        manifests = ManifestVersions()
        tasks = [(i, str(p), None, base + manifests.suffix(p)) for i, p in enumerate(candidates)]
        slices = max(spark.sparkContext.defaultParallelism, math.ceil(len(tasks) / DOCS_PER_TASK))
        return spark.sparkContext.parallelize(tasks, max(1, min(slices, len(tasks) or 1)))

    def wanted(path: str) -> bool:
        parts = PurePosixPath(path.split("://", 1)[1]).parts[1:]
        name = PurePosixPath(path).name  # the name alone decides, never the local disk
        return is_candidate(Path(name)) and not any(p.startswith(".") for p in parts)

    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(input_uri)
        .select("path", "content")
        .rdd.filter(lambda r: wanted(r.path))
        .sortBy(lambda r: r.path)
        .zipWithIndex()
    )
    return files.map(lambda pair: (pair[1], pair[0].path, bytes(pair[0].content), base))


def _spark_schema(table: str) -> StructType:
    from pyspark.sql.pandas.types import from_arrow_schema

    from warehouse.schema import ddl as schema

    return from_arrow_schema(schema.arrow_schema(table))


def _table_frame(spark: SparkSession, blobs: DataFrame, table: str) -> DataFrame:
    """One table as a DataFrame in the DuckDB column order and types; shared dimensions
    keep the row ``dimension_rank`` chooses, as the loader's upserts do."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    from warehouse.schema import ddl as schema

    spark_schema = from_arrow_schema(_with_rank(schema.arrow_schema(table), table))
    frame = blobs.filter(F.col("table") == table).select("data").mapInArrow(_decode, spark_schema)
    key = layout.SHARED_DIMENSIONS.get(table)
    if key is None:
        return frame
    names = [n for n in spark_schema.names if n != "_rank"]
    return (
        frame.groupBy(key)
        .agg(F.min_by(F.struct(*names), F.col("_rank")).alias("row"))
        .select(*(F.col("row." + n).alias(n) for n in names))
    )


def _write(frame: DataFrame, out: str, table: str, units: DataFrame) -> None:
    target = f"{out.rstrip('/')}/{table}"
    if table in layout.PARTITIONED:
        frame = frame.join(units, "unit_key", "left")
        frame.write.mode("overwrite").partitionBy(*layout.PARTITION_COLUMNS).parquet(target)
    elif table in _SMALL_TABLES:
        frame.coalesce(1).write.mode("overwrite").parquet(target)
    else:
        frame.write.mode("overwrite").parquet(target)


def spark_parse(
    input_uri: str,
    out_uri: str,
    *,
    master: str | None = DEFAULT_MASTER,
    spark: SparkSession | None = None,
    log_level: str = "ERROR",
) -> SparkParseResult:
    """Parse every candidate file under ``input_uri`` on Spark and write OUT as Parquet.
    Raises FileNotFoundError when a local input folder does not exist."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from warehouse.load.classify import load_classifier
    from warehouse.load.loader import LoadSummary, Rejected, _reject_copies_of_rejects
    from warehouse.load.parse_worker import parser_version
    from warehouse.load.transform import foreign_project_keys

    started = time.perf_counter()
    if not is_remote(input_uri) and not Path(_local(input_uri)).exists():
        raise FileNotFoundError(input_uri)
    spark = spark or build_session(master, log_level=log_level)
    sc = spark.sparkContext
    classifier = load_classifier()
    now = dt.datetime.now().replace(microsecond=0)
    config = WorkerConfig(classifier, 0, now, None)
    result = SparkParseResult(
        input_uri,
        out_uri,
        sc.master or "",  # typed Optional; a started context always has one
        parser_version(),
        classifier.digest,
        parsed_at=str(now),
    )

    config_bc = sc.broadcast(config)
    outcomes = (
        _tasks(spark, input_uri)
        .mapPartitions(lambda items: _parse_partition(items, config_bc.value))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    meta = outcomes.map(
        lambda item: (
            item[0],
            item[1].path,
            item[1].sha256,
            item[1].error,
            item[1].rows.document_id if item[1].rows else None,
            [r["project_key"] for r in item[1].rows.tables.get("dim_project", ())]
            if item[1].rows
            else [],
        )
    ).collect()

    # The loader's rules, in its file order: first copy of a content wins; first owner of a key.
    summary = LoadSummary(files_seen=len(meta))
    by_sha: dict[str, str] = {}
    kept: dict[int, int] = {}  # task index -> position among loaded documents
    order: list[tuple[int, list[int]]] = []
    for index, path, sha, error, document_id, keys_ in sorted(meta, key=lambda m: m[0]):
        if sha and sha in by_sha:
            summary.duplicates.append((path, by_sha[sha]))
            continue
        if sha:
            by_sha[sha] = path
        if error is not None or document_id is None:
            summary.rejected.append(Rejected(path, error or "未知错误", sha or None))
            continue
        kept[index] = len(order)
        order.append((document_id, keys_))
    _reject_copies_of_rejects(summary)
    foreign = foreign_project_keys(order, {})
    kept_bc, foreign_bc = sc.broadcast(kept), sc.broadcast(foreign)

    blobs = spark.createDataFrame(
        outcomes.flatMap(
            lambda item: _resolved_tables(item, kept_bc.value, foreign_bc.value)
        ).mapPartitions(_arrow_partition),
        "table string, rows long, data binary",
    ).persist(StorageLevel.MEMORY_AND_DISK)
    frames: dict = {}
    try:
        frames = {t: _table_frame(spark, blobs, t) for t in layout.PARSE_TABLES if t != "reject"}
        frames["reject"] = spark.createDataFrame(
            [(r.path, r.sha256, r.reason, now, 0) for r in summary.rejected],
            _spark_schema("reject"),
        )
        frames["dim_unit"] = frames["dim_unit"].persist()
        units = frames["dim_unit"].select(
            "unit_key", F.col("province").alias(layout.PARTITION_COLUMNS[1])
        )
        for table in layout.PARSE_TABLES:
            _write(frames[table], out_uri, table, units)
        counts = blobs.groupBy("table").sum("rows").collect()
        result.rows = dict(sorted((r[0], int(r[1])) for r in counts))
    finally:
        if "dim_unit" in frames:
            frames["dim_unit"].unpersist()
        blobs.unpersist()
        outcomes.unpersist()
    result.files_seen = summary.files_seen
    result.documents = len(kept)
    result.rejected = [(r.path, r.reason, r.sha256) for r in summary.rejected]
    result.duplicates = summary.duplicates
    result.elapsed_s = round(time.perf_counter() - started, 3)
    _write_run_file(spark, out_uri, result)
    return result


def _write_run_file(spark: SparkSession, out_uri: str, result: SparkParseResult) -> None:
    text = json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=1)
    if is_remote(out_uri):
        target = f"{out_uri.rstrip('/')}/{layout.RUN_FILE}"
        spark.createDataFrame([(text,)], "value string").coalesce(1).write.mode("overwrite").text(
            target
        )
        return
    (Path(_local(out_uri)) / layout.RUN_FILE).write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Exit 0 when every file was parsed, 1 with rejects, 2 for usage or environment errors."""
    parser = argparse.ArgumentParser(
        prog="python -m etl spark-parse",
        description="在 Spark 上解析绩效目标文件，按仓库结构写出 Parquet（事实表按年度、省分区）",
    )
    parser.add_argument("input", help="输入文件夹（本地路径或 s3a:// 等 Spark 可读地址）")
    parser.add_argument("out", help="输出文件夹（Parquet）")
    parser.add_argument(
        "--master",
        default=None,
        help=f"Spark master（默认 {DEFAULT_MASTER}；spark-submit 时沿用其设置）",
    )
    args = parser.parse_args(argv)
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("未安装 pyspark：pip install 'pyspark>=4.0'（需要 Java 17）", file=sys.stderr)
        return 2
    # pyspark 4.3 warns about pandas 3 on every Arrow call; this command uses no pandas.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    master = args.master or (None if _submitted() else DEFAULT_MASTER)
    try:
        # FATAL: a failing task is reported once below, not as JVM stack traces.
        result = spark_parse(args.input, args.out, master=master, log_level="FATAL")
    except FileNotFoundError as exc:
        print(f"路径不存在：{exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # Java missing, master unreachable, output not writable …
        print(f"Spark 解析失败：{_one_line(exc)}", file=sys.stderr)
        return 2
    print(
        f"Spark 解析完成（{result.master}，用时 {result.elapsed_s:.1f} 秒）：候选文件 "
        f"{result.files_seen} 个，解析 {result.documents}，内容重复跳过 {len(result.duplicates)}，"
        f"拒绝 {len(result.rejected)}"
    )
    print(
        f"  项目 {result.rows.get('fact_project_budget', 0)} 个，"
        f"指标 {result.rows.get('fact_indicator_target', 0)} 条，"
        f"警告 {result.rows.get('load_warning', 0)} 条"
    )
    print(f"  已写出 Parquet：{args.out}（载入仓库：python -m etl load --from-parquet {args.out}）")
    for path, reason, _sha in sorted(result.rejected):
        print(f"  拒绝 {path}：{reason}")
    return 1 if result.rejected else 0


def _one_line(exc: Exception) -> str:
    """The informative line of a Spark error: a Python worker's own ``XxxError: …`` line
    (its traceback's last line) or the first line of a JVM message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [ln for ln in lines if ln.split(":", 1)[0].endswith(("Error", "Exception"))]
    return f"{type(exc).__name__}: {(errors or lines or [''])[-1 if errors else 0]}"


def _submitted() -> bool:
    """True under spark-submit, which sets the master itself."""
    return "SPARK_SUBMIT_OPTS" in os.environ or "PYSPARK_GATEWAY_PORT" in os.environ


if __name__ == "__main__":  # spark-submit etl/spark_parse.py INPUT OUT
    raise SystemExit(main(sys.argv[1:]))
