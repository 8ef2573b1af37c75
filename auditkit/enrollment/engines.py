"""The three engines a roster runs on: reading a table lazily, keeping an intermediate result,
spilling it to disk in buckets, and collecting a small result.

The cascade itself (``auditkit.enrollment.cascade``) is written once with Narwhals; only what
Narwhals leaves to the backend lives here: how a file is opened, how an intermediate frame is
kept (Polars: collected with the streaming engine; DuckDB: a temporary table; Spark: a local
checkpoint) and how a frame is written partitioned by bucket.
"""

from __future__ import annotations

import codecs
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import narwhals as nw
import polars as pl

from auditkit.errors import PackageError
from auditkit.schemas import TABLES

ENGINES = ("polars", "duckdb", "spark")
_counter = itertools.count()


def _utf8_copy(path: Path, directory: str) -> Path:
    """A GB18030 CSV re-encoded to UTF-8 in the work folder, streamed block by block; a UTF-8
    file is used as it is."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        head.decode("utf-8")
        return path
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) == 1 << 20:
            return path  # only a character cut at the block's end: UTF-8 after all
    target = Path(directory) / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as source, target.open("w", encoding="utf-8") as out:
        for block in iter(lambda: source.read(1 << 22), b""):
            out.write(decoder.decode(block))
        out.write(decoder.decode(b"", final=True))
    return target


_POLARS_TYPES = {"string": pl.String, "boolean": pl.Boolean, "int8": pl.Int8, "int64": pl.Int64}


def _polars_table(columns: dict[str, list], types: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema={name: _POLARS_TYPES[types[name]] for name in columns})


class Engine:
    """One run's engine; ``close`` drops its temporary tables and files."""

    name = ""

    def __init__(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="auditkit-roster-")

    # -- reading --------------------------------------------------------------------------

    def scan(self, path: Path, table: str) -> nw.LazyFrame:
        """The table with its columns renamed to the canonical names; unknown columns dropped."""
        suffix = path.suffix.lower()
        shown = path.name
        if suffix not in (".parquet", ".csv"):
            raise PackageError(f"名册类大表应为 .parquet 或 .csv 文件，实为“{suffix}”", file=shown)
        if suffix == ".csv":
            path = _utf8_copy(path, self.workdir)
        try:
            frame = self._scan(path, suffix)
            names = frame.columns
        except Exception as exc:  # an unreadable file is the package's problem, not ours
            raise PackageError(f"无法读取该文件（{type(exc).__name__}）", file=shown) from None
        spec = TABLES[table]
        renames: dict[str, str] = {}
        for header in names:
            canonical = spec.match(header.lstrip("\ufeff"))  # a byte-order mark, if a reader kept it
            if canonical is None:
                continue
            if canonical in renames.values():
                raise PackageError(f"列“{header}”与另一列指同一项（{canonical}），请删去其一", file=shown,
                                   column=header)
            renames[header] = canonical
        for column in spec.columns:
            if column.required and column.name not in renames.values():
                raise PackageError(f"缺少必需的列“{column.label}”", file=shown)
        return frame.select([nw.col(h).alias(c) for h, c in renames.items()])

    def _scan(self, path: Path, suffix: str) -> nw.LazyFrame:
        raise NotImplementedError

    # -- keeping and spilling -------------------------------------------------------------

    def keep(self, frame: nw.LazyFrame) -> nw.LazyFrame:
        """Compute a frame once so that several queries can read it."""
        raise NotImplementedError

    def spill(self, frame: nw.LazyFrame, column: str) -> dict[int, nw.LazyFrame]:
        """Write a frame to disk partitioned by an integer column; one lazy frame per value."""
        directory = Path(self.workdir) / f"spill{next(_counter)}"
        self._write_partitioned(frame, directory, column)
        parts = {}
        for folder in sorted(directory.glob(f"{column}=*")):
            parts[int(folder.name.split("=", 1)[1])] = self._scan_folder(folder)
        return parts

    def _write_partitioned(self, frame: nw.LazyFrame, directory: Path, column: str) -> None:
        raise NotImplementedError

    def _scan_folder(self, folder: Path) -> nw.LazyFrame:
        raise NotImplementedError

    def table(self, columns: dict[str, list], types: dict[str, str]) -> nw.LazyFrame:
        """A small table given in Python, on this engine; ``types`` names each column's type
        (string, boolean, int8, int64), so that an empty table has a schema too."""
        raise NotImplementedError

    def collect(self, frame: nw.LazyFrame) -> pl.DataFrame:
        """A small result as a Polars frame."""
        return frame.collect(backend="polars").to_native()

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


class PolarsEngine(Engine):
    """Polars with its streaming engine: the default, embedded, single machine."""

    name = "polars"

    def _scan(self, path: Path, suffix: str) -> nw.LazyFrame:
        if suffix == ".parquet":
            return nw.from_native(pl.scan_parquet(path))
        return nw.from_native(pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy"))

    def table(self, columns: dict[str, list], types: dict[str, str]) -> nw.LazyFrame:
        return nw.from_native(_polars_table(columns, types).lazy())

    def keep(self, frame: nw.LazyFrame) -> nw.LazyFrame:
        return nw.from_native(frame.to_native().collect(engine="streaming").lazy())

    def collect(self, frame: nw.LazyFrame) -> pl.DataFrame:
        return frame.to_native().collect(engine="streaming")

    def _write_partitioned(self, frame: nw.LazyFrame, directory: Path, column: str) -> None:
        frame.to_native().sink_parquet(pl.PartitionBy(directory, key=column, include_key=False),
                                       mkdir=True, engine="streaming")

    def _scan_folder(self, folder: Path) -> nw.LazyFrame:
        return nw.from_native(pl.scan_parquet(folder / "*.parquet"))


class DuckDBEngine(Engine):
    """DuckDB in process, with its own connection, memory limit and spill folder."""

    name = "duckdb"

    def __init__(self) -> None:
        super().__init__()
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute(f"SET temp_directory = '{self.workdir}'")
        self.connection.execute("SET preserve_insertion_order = false")

    def _scan(self, path: Path, suffix: str) -> nw.LazyFrame:
        if suffix == ".parquet":
            return nw.from_native(self.connection.read_parquet(str(path)))
        return nw.from_native(self.connection.read_csv(str(path), header=True, all_varchar=True))

    def table(self, columns: dict[str, list], types: dict[str, str]) -> nw.LazyFrame:
        return nw.from_native(self.connection.from_arrow(_polars_table(columns, types).to_arrow()))

    def keep(self, frame: nw.LazyFrame) -> nw.LazyFrame:
        name = f"auditkit_keep_{next(_counter)}"
        frame.to_native().create(name)
        return nw.from_native(self.connection.table(name))

    def _write_partitioned(self, frame: nw.LazyFrame, directory: Path, column: str) -> None:
        frame.to_native().write_parquet(str(directory), partition_by=[column], overwrite=True)

    def _scan_folder(self, folder: Path) -> nw.LazyFrame:
        return nw.from_native(self.connection.read_parquet(str(folder / "*.parquet")))

    def close(self) -> None:
        self.connection.close()
        super().close()


_SPARK = {}


def spark_session(remote: str | None = None):
    """One Spark session per process: Spark Connect at ``remote``, else a small local one."""
    from pyspark.sql import SparkSession

    key = remote or "local"
    if key not in _SPARK:
        if remote:
            _SPARK[key] = SparkSession.builder.remote(remote).getOrCreate()
        else:
            cores = os.cpu_count() or 2
            _SPARK[key] = (SparkSession.builder.master(f"local[{cores}]").appName("auditkit")
                           .config("spark.ui.enabled", "false")
                           .config("spark.ui.showConsoleProgress", "false")
                           .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                           .config("spark.sql.shuffle.partitions", str(max(4, cores * 2)))
                           .config("spark.driver.memory", os.environ.get("AUDITKIT_SPARK_MEMORY", "2g"))
                           .config("spark.sql.session.timeZone", "UTC")
                           .getOrCreate())
            _SPARK[key].sparkContext.setLogLevel("ERROR")
    return _SPARK[key]


class SparkEngine(Engine):
    """PySpark, local or through Spark Connect. With a remote server the files must be readable
    at the same path by the server; intermediate results stay on the cluster (checkpoints),
    and buckets are filters over them rather than files on this machine."""

    name = "spark"

    def __init__(self, remote: str | None = None) -> None:
        super().__init__()
        try:
            self.session = spark_session(remote)
        except ImportError:
            raise PackageError("使用 --engine spark 需安装 PySpark：pip install 'auditkit[spark]'") from None

    def _scan(self, path: Path, suffix: str) -> nw.LazyFrame:
        reader = self.session.read
        if suffix == ".parquet":
            return nw.from_native(reader.parquet(str(path.resolve())))
        return nw.from_native(reader.option("header", "true").option("encoding", "UTF-8").csv(str(path.resolve())))

    def table(self, columns: dict[str, list], types: dict[str, str]) -> nw.LazyFrame:
        spark_types = {"string": "string", "boolean": "boolean", "int8": "tinyint", "int64": "bigint"}
        schema = ", ".join(f"`{name}` {spark_types[types[name]]}" for name in columns)
        rows = list(zip(*columns.values()))
        return nw.from_native(self.session.createDataFrame(rows, schema=schema))

    def keep(self, frame: nw.LazyFrame) -> nw.LazyFrame:
        native = frame.to_native()
        try:
            return nw.from_native(native.localCheckpoint(eager=True))
        except Exception:  # a server without checkpoints: cache instead
            return nw.from_native(native.cache())

    def spill(self, frame: nw.LazyFrame, column: str) -> dict[int, nw.LazyFrame]:
        kept = self.keep(frame)
        values = self.collect(kept.select(nw.col(column)).unique())[column].to_list()
        return {int(v): kept.filter(nw.col(column) == v) for v in sorted(values)}

    def collect(self, frame: nw.LazyFrame) -> pl.DataFrame:
        return pl.from_arrow(frame.collect(backend="pyarrow").to_native())


def open_engine(name: str, remote: str | None = None) -> Engine:
    if name == "polars":
        return PolarsEngine()
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(remote)
    raise PackageError(f"未知的计算引擎“{name}”，应为 {'、'.join(ENGINES)} 之一")
