"""The three engines a roster runs on: reading a table lazily, keeping an intermediate result,
spilling it to disk in buckets, and collecting a small result.

The cascade itself (``auditkit.enrollment.cascade``) is written once with Narwhals; only what
Narwhals leaves to the backend lives here: how a file is opened, how an intermediate frame is
kept (Polars: collected with the streaming engine; DuckDB: a temporary table; Spark: a local
checkpoint) and how a frame is written partitioned by bucket.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from pathlib import Path

import narwhals as nw
import polars as pl

from auditkit.enrollment.sources import Part, spread_merges
from auditkit.errors import PackageError, column_letter
from auditkit.schemas import TABLES

ENGINES = ("polars", "duckdb", "spark")
_counter = itertools.count()


def _utf8_copy(part: Part, directory: str) -> Path:
    """A text part re-encoded to UTF-8 from its header line on, streamed block by block; lines
    that end in a carriage return alone (``Part.cr_only``) end in a line feed."""
    target = Path(directory) / f"part{next(_counter)}.csv"
    with part.path.open("r", encoding=part.encoding, newline="") as source, \
            target.open("w", encoding="utf-8", newline="") as out:
        for _ in range(part.header_line - 1):
            source.readline()
        for block in iter(lambda: source.read(1 << 22), ""):
            if part.cr_only:
                block = block.replace("\r", "\n")
            out.write(block.lstrip("\ufeff") if out.tell() == 0 else block)
    return target


def _cell_text(value) -> str | None:
    """A workbook cell as the text a reader sees: whole numbers without ``.0``, dates as ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) or value.time() == dt.time() \
            else value.isoformat(sep=" ")
    return str(value)


def _workbook_copy(part: Part, directory: str) -> Path:
    """A workbook sheet of a roster as a Parquet file of text columns, from its header row on,
    merged cells spread over the rows they span (``sources.spread_merges``). An ID cell that holds a number of 16 digits or more is refused: Excel kept 15 of them."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(part.path)).get_sheet_by_name(part.sheet).to_python(
        skip_empty_area=False)
    spread_merges(rows, part.merges, part.header_line)  # as Excel shows them (noted when sniffed)
    header = [str(v).strip() if v is not None else "" for v in rows[part.header_line - 1]]
    spec = TABLES[part.table]
    names, seen = [], set()
    for i, name in enumerate(header):
        name = name or f"_column{i + 1}"
        while name in seen:
            name += "_"
        seen.add(name)
        names.append(name)
    id_columns = [i for i, h in enumerate(header) if spec.match(h) == "person_id"]
    columns: list[list] = [[] for _ in names]
    for number, row in enumerate(rows[part.header_line:], start=part.header_line + 1):
        for i in id_columns:
            value = row[i] if i < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
                raise PackageError("身份证号为数值（Excel 只保留15位有效数字，末尾几位已变为0，校验码 X 已丢失），"
                                   "无法核验身份证号；请将该列设为文本格式后重新导出",
                                   file=part.path.name, sheet=part.sheet, row=number,
                                   column=f"{header[i]}（{column_letter(i + 1)}列）")
        for i in range(len(names)):
            columns[i].append(_cell_text(row[i]) if i < len(row) else None)
    target = Path(directory) / f"part{next(_counter)}.parquet"
    pl.DataFrame({n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, columns)}).write_parquet(target)
    return target


_POLARS_TYPES = {"string": pl.String, "boolean": pl.Boolean, "int8": pl.Int8, "int64": pl.Int64}


def _polars_table(columns: dict[str, list], types: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema={name: _POLARS_TYPES[types[name]] for name in columns})


class Engine:
    """One run's engine; ``close`` drops its temporary tables and files."""

    name = ""

    def __init__(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="auditkit-roster-")
        self._read: dict[Part, tuple[Path, str]] = {}  # each part's file as the engine read it

    # -- reading --------------------------------------------------------------------------

    def scan(self, part: Part) -> nw.LazyFrame:
        """A part of a table with its columns renamed to the canonical names; unknown columns
        dropped. Text that is not UTF-8 or has title lines is read through a UTF-8 copy, a
        workbook's sheet through a Parquet copy (``auditkit.enrollment.sources``)."""
        shown = part.shown
        path, kind = part.path, part.format
        if part.format == "workbook":
            path, kind = _workbook_copy(part, self.workdir), "parquet"
        elif part.copied:
            path = _utf8_copy(part, self.workdir)
        self._read[part] = (path, kind)
        try:
            frame = self._scan(path, kind, part.separator)
            names = frame.columns
        except Exception as exc:  # an unreadable file is the package's problem, not ours
            raise PackageError(f"无法读取该文件（{type(exc).__name__}）", file=shown) from None
        spec = TABLES[part.table]
        renames: dict[str, str] = {}
        for header in names:
            canonical = spec.match(header.strip().lstrip("\ufeff"))  # a byte-order mark, if a reader kept it
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

    def _scan(self, path: Path, kind: str, separator: str) -> nw.LazyFrame:
        raise NotImplementedError

    def rows_where(self, part: Part, column: str, condition, limit: int, prepare=None) -> list[int]:
        """The first ``limit`` row numbers of a part (as the file or sheet numbers them) where
        ``condition`` (a function of the column's expression and the frame) holds, after
        ``prepare`` (a function of the frame, adding the columns the condition reads). Read with
        Polars from the file this engine read, whatever the engine: only a few rows are wanted,
        for a note."""
        path, kind = self._read[part]
        if kind == "parquet":
            native = pl.scan_parquet(path)
        else:
            native = pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy", separator=part.separator,
                                 truncate_ragged_lines=True)
        spec = TABLES[part.table]
        header = next(h for h in native.collect_schema().names() if spec.match(h.strip().lstrip("\ufeff")) == column)
        frame = nw.from_native(native.select(pl.col(header).alias("_value")).with_row_index("_index"))
        if prepare is not None:
            frame = prepare(frame)
        found = frame.filter(condition(nw.col("_value"), frame)).select("_index").head(limit).collect()
        return [part.header_line + 1 + int(i) for i in found.to_native()["_index"].to_list()]

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

    def _scan(self, path: Path, kind: str, separator: str) -> nw.LazyFrame:
        if kind == "parquet":
            return nw.from_native(pl.scan_parquet(path))
        return nw.from_native(pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy", separator=separator,
                                          truncate_ragged_lines=True))

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
        # a timestamp with a time zone is read as a date in Beijing (datecols.with_date_number)
        self.connection.execute("SET TimeZone = 'Asia/Shanghai'")

    def _scan(self, path: Path, kind: str, separator: str) -> nw.LazyFrame:
        if kind == "parquet":
            return nw.from_native(self.connection.read_parquet(str(path)))
        return nw.from_native(self.connection.read_csv(str(path), header=True, all_varchar=True, sep=separator,
                                                       quotechar='"', escapechar='"'))

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

    def _scan(self, path: Path, kind: str, separator: str) -> nw.LazyFrame:
        reader = self.session.read
        if kind == "parquet":
            return nw.from_native(reader.parquet(str(path.resolve())))
        return nw.from_native(reader.option("header", "true").option("encoding", "UTF-8").option("sep", separator)
                              .option("quote", '"').option("escape", '"').csv(str(path.resolve())))

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
