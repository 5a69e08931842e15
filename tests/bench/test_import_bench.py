"""The import bench imports its file as the route does: every entry created, then every one skipped."""

from __future__ import annotations

from pathlib import Path

from bench import import_bench


def test_the_bench_imports_its_file_then_skips_it(tmp_path: Path) -> None:
    run = import_bench.run_engine("sqlite", f"sqlite:///{tmp_path / 'import.db'}", 250)

    assert run.report["entries"] == {"created": 250, "updated": 0, "skipped": 0}
    assert run.again_report["entries"] == {"created": 0, "updated": 0, "skipped": 250}
    assert len(run.write.chunk_seconds) == 1
    assert "| sqlite | 250 |" in import_bench.markdown([run])
