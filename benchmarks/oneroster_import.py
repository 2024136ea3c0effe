"""OneRoster bulk import of a generated district: seconds for the first import and a re-import.

Generates a OneRoster 1.2 bulk bundle (20,000 students by default, 20 schools, one guardian
per student, six classes per student, demographics), imports it into a fresh database with
`masterypath.interop.oneroster`, then imports the same bundle again (which must change
nothing). Prints a table; `--json FILE` writes the figures.

    .venv/bin/python benchmarks/oneroster_import.py --runs 3 --json out.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_oneroster \
        .venv/bin/python benchmarks/oneroster_import.py --runs 3
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate(folder: Path, *, students: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    schools = 20
    files: dict[str, list[list[str]]] = {
        "orgs": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "name",
                "type",
                "identifier",
                "parentSourcedId",
            ],
            ["dist", "", "", "Bench District", "district", "", ""],
        ],
        "academicSessions": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "title",
                "type",
                "startDate",
                "endDate",
                "parentSourcedId",
                "schoolYear",
            ],
            ["sy", "", "", "2025-2026", "schoolYear", "2025-08-20", "2026-06-12", "", "2026"],
        ],
        "courses": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "schoolYearSourcedId",
                "title",
                "courseCode",
                "grades",
                "orgSourcedId",
                "subjects",
                "subjectCodes",
            ]
        ],
        "classes": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "title",
                "grades",
                "courseSourcedId",
                "classCode",
                "classType",
                "location",
                "schoolSourcedId",
                "termSourcedIds",
                "subjects",
                "subjectCodes",
                "periods",
            ]
        ],
        "users": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "enabledUser",
                "username",
                "userIds",
                "givenName",
                "familyName",
                "middleName",
                "identifier",
                "email",
                "sms",
                "phone",
                "agentSourcedIds",
                "grades",
                "password",
                "userMasterIdentifier",
                "preferredGivenName",
                "preferredMiddleName",
                "preferredFamilyName",
                "primaryOrgSourcedId",
                "pronouns",
            ]
        ],
        "roles": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "userSourcedId",
                "roleType",
                "role",
                "beginDate",
                "endDate",
                "orgSourcedId",
                "userProfileSourcedId",
            ]
        ],
        "enrollments": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "classSourcedId",
                "schoolSourcedId",
                "userSourcedId",
                "role",
                "primary",
                "beginDate",
                "endDate",
            ]
        ],
        "demographics": [
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "birthDate",
                "sex",
                "americanIndianOrAlaskaNative",
                "asian",
                "blackOrAfricanAmerican",
                "nativeHawaiianOrOtherPacificIslander",
                "white",
                "demographicRaceTwoOrMoreRaces",
                "hispanicOrLatinoEthnicity",
                "countryOfBirthCode",
                "stateOfBirthAbbreviation",
                "cityOfBirth",
                "publicSchoolResidenceStatus",
            ]
        ],
    }
    subjects = ["Math", "ELA", "Science", "Social Studies", "Art", "PE"]
    per_school = students // schools
    classes_of: dict[tuple[int, int], list[str]] = {}
    teacher_count = 0
    for school in range(schools):
        files["orgs"].append([f"sch{school}", "", "", f"School {school}", "school", "", "dist"])
        for grade in range(13):
            for subject_index, subject in enumerate(subjects):
                course = f"c{school}-{grade}-{subject_index}"
                files["courses"].append(
                    [
                        course,
                        "",
                        "",
                        "sy",
                        f"{subject} {grade}",
                        course,
                        "KG" if grade == 0 else f"{grade:02d}",
                        f"sch{school}",
                        subject,
                        "",
                    ]
                )
                sections = max(1, per_school // 13 // 25)
                for number in range(sections):
                    section = f"{course}-{number}"
                    teacher = f"t{teacher_count}"
                    teacher_count += 1
                    files["classes"].append(
                        [
                            section,
                            "",
                            "",
                            f"{subject} {grade}.{number}",
                            "",
                            course,
                            "",
                            "scheduled",
                            "",
                            f"sch{school}",
                            "sy",
                            "",
                            "",
                            str(subject_index + 1),
                        ]
                    )
                    classes_of.setdefault((school, grade), []).append(section)
                    files["users"].append(
                        [
                            teacher,
                            "",
                            "",
                            "true",
                            teacher,
                            "",
                            "Pat",
                            f"Teacher{teacher_count}",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            f"sch{school}",
                            "",
                        ]
                    )
                    files["roles"].append(
                        [
                            f"r{teacher}",
                            "",
                            "",
                            teacher,
                            "primary",
                            "teacher",
                            "",
                            "",
                            f"sch{school}",
                            "",
                        ]
                    )
                    files["enrollments"].append(
                        [
                            f"e{teacher}",
                            "",
                            "",
                            section,
                            f"sch{school}",
                            teacher,
                            "teacher",
                            "true",
                            "",
                            "",
                        ]
                    )
    for n in range(students):
        school = n % schools
        grade = rng.randrange(13)
        sid, pid = f"s{n}", f"p{n}"
        files["users"].append(
            [
                sid,
                "",
                "",
                "true",
                sid,
                "",
                f"Given{n}",
                f"Family{n}",
                "",
                f"{100000 + n}",
                "",
                "",
                "",
                pid,
                "KG" if grade == 0 else f"{grade:02d}",
                "",
                "",
                "",
                "",
                "",
                f"sch{school}",
                "",
            ]
        )
        files["roles"].append(
            [f"r{sid}", "", "", sid, "primary", "student", "", "", f"sch{school}", ""]
        )
        files["users"].append(
            [
                pid,
                "",
                "",
                "true",
                pid,
                "",
                f"Parent{n}",
                f"Family{n}",
                "",
                "",
                "",
                "",
                "",
                sid,
                "",
                "",
                "",
                "",
                "",
                "",
                f"sch{school}",
                "",
            ]
        )
        files["roles"].append(
            [f"r{pid}", "", "", pid, "primary", "parent", "", "", f"sch{school}", ""]
        )
        races = [rng.random() < 0.1 for _ in range(5)]
        files["demographics"].append(
            [
                sid,
                "",
                "",
                f"{2008 + rng.randrange(13)}-0{1 + rng.randrange(9)}-1{rng.randrange(9)}",
                rng.choice(["female", "male"]),
                *("true" if r else "false" for r in races),
                "true" if sum(races) > 1 else "false",
                "true" if rng.random() < 0.3 else "false",
                "",
                "",
                "",
                "",
            ]
        )
        sections = classes_of[(school, grade)]
        for index in range(6):
            section = (
                sections[(n // schools + index) % len(sections)]
                if len(sections) < 6
                else sections[index * (len(sections) // 6) + (n // schools) % (len(sections) // 6)]
            )
            files["enrollments"].append(
                [
                    f"e{sid}-{index}",
                    "",
                    "",
                    section,
                    f"sch{school}",
                    sid,
                    "student",
                    "false",
                    "",
                    "",
                ]
            )
    # One enrollment per student and class.
    seen: set[tuple[str, str]] = set()
    unique = [files["enrollments"][0]]
    for row in files["enrollments"][1:]:
        if (row[3], row[5]) not in seen:
            seen.add((row[3], row[5]))
            unique.append(row)
    files["enrollments"] = unique
    folder.mkdir(parents=True, exist_ok=True)
    manifest = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.2"],
    ] + [[f"file.{name}", "bulk"] for name in files]
    for name, rows in {"manifest": manifest, **files}.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    return {name: len(rows) - 1 for name, rows in files.items()}


CHILD = r"""
import json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from masterypath.interop.oneroster.reader import read_bundle
from masterypath.interop.oneroster.services import oneroster_bundle_import
from masterypath.schools.models import District
district = District.objects.create(name="Bench")
times = []
for _ in range(2):
    start = time.perf_counter()
    outcome = oneroster_bundle_import(bundle=read_bundle(sys.argv[1]), district=district)
    times.append(time.perf_counter() - start)
print(json.dumps({"first": times[0], "again": times[1], "counts": outcome["counts"]}))
"""


def run_once(bundle: Path, database_url: str) -> dict[str, object]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masterypath.settings",
        "MASTERYPATH_DEMO": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    with tempfile.TemporaryDirectory() as data_dir:
        env["MASTERYPATH_DATA_DIR"] = data_dir
        if database_url:
            env["DATABASE_URL"] = database_url
            _reset_postgres(database_url)
        else:
            env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(bundle)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _reset_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    backend = "postgresql" if database_url.startswith("postgres") else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "bundle"
        sizes = generate(bundle, students=args.students, seed=args.seed)
        runs = [run_once(bundle, database_url) for _ in range(args.runs)]
    first = [float(r["first"]) for r in runs]  # type: ignore[arg-type]
    again = [float(r["again"]) for r in runs]  # type: ignore[arg-type]
    print(
        f"OneRoster 1.2 bulk import, {args.students:,} students ({backend}); rows: "
        + ", ".join(f"{k} {v:,}" for k, v in sizes.items())
    )
    print("| run | first import s | re-import s (no changes) |")
    print("|---|---|---|")
    for index, run in enumerate(runs, 1):
        print(f"| {index} | {run['first']:.1f} | {run['again']:.1f} |")
    print(
        f"| median (min-max) | {statistics.median(first):.1f} ({min(first):.1f}-{max(first):.1f})"
        f" | {statistics.median(again):.1f} ({min(again):.1f}-{max(again):.1f}) |"
    )
    if args.json_file:
        Path(args.json_file).write_text(
            json.dumps(
                {
                    "backend": backend,
                    "students": args.students,
                    "rows": sizes,
                    "runs": runs,
                    "first_median_s": statistics.median(first),
                    "again_median_s": statistics.median(again),
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
