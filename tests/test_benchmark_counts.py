"""The benchmark's count check: a file superseded by a newer version of the same document
(same unit and year in the ground truth) is expected; any other supersession is a loss."""

from __future__ import annotations

from benchmarks.load_bench import check_counts


def truth(file: str, unit: str | None, year: int = 2023, county: str = "甲县") -> dict:
    return {
        "file": file,
        "error": False,
        "unit_name": unit,
        "county": county,
        "province": "乙省",
        "year": year,
        "n_projects": 1,
        "partial_project": False,
        "projects": [{"total_yuan": 100.0}],
        "n_indicators": 2,
        "n_unit_indicators": 0,
    }


def loaded(*files: str) -> dict:
    return {f: {"projects": (1, 100.0), "project": 2} for f in files}


def test_supersession_inside_one_ground_truth_document_is_expected() -> None:
    manifest = [truth("a.txt", "甲县农业站"), truth("b.txt", "甲县农业站"), truth("c.txt", None)]
    counts = {
        "documents": 2,
        "rejects": 0,
        "per_file": loaded("b.txt", "c.txt"),
        "superseded": {"a.txt": "b.txt"},
    }
    assert check_counts(counts, manifest) == []


def test_supersession_across_units_or_years_is_reported() -> None:
    manifest = [truth("a.txt", "甲县农业站"), truth("b.txt", "甲县农业站", year=2024)]
    counts = {
        "documents": 1,
        "rejects": 0,
        "per_file": loaded("b.txt"),
        "superseded": {"a.txt": "b.txt"},
    }
    problems = check_counts(counts, manifest)
    assert problems[0] == "a.txt: superseded by b.txt, another document in the ground truth"
    assert "1 documents loaded, expected 2" in problems
    # townships carry no unit name in the ground truth: never one document by name alone
    manifest = [truth("a.txt", None), truth("b.txt", None)]
    assert check_counts(counts, manifest)[0].startswith("a.txt: superseded")
