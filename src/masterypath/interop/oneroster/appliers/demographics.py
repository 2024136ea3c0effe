"""demographics.csv: a student's birth date, sex and race and ethnicity flags, read with the
student's users.csv row."""

from __future__ import annotations

from typing import Any

from masterypath.interop.oneroster.appliers.context import ImportContext
from masterypath.interop.oneroster.reader import Row
from masterypath.roster.models import Sex

SEX = {
    "female": Sex.FEMALE,
    "male": Sex.MALE,
    "other": Sex.NON_BINARY,
    "unspecified": Sex.NON_BINARY,
    "f": Sex.FEMALE,
    "m": Sex.MALE,
}


def demographics_values(ctx: ImportContext, row: Row) -> dict[str, Any]:
    file = "demographics.csv"
    values: dict[str, Any] = {}
    birth = ctx.date(file, row, "birthDate", required=False)
    if birth:
        values["birth_on"] = birth
    sex = row.get("sex").lower()
    if sex:
        if sex not in SEX:
            ctx.error(
                file,
                row,
                "sex",
                f"sex must be female, male, other or unspecified, not {row.get('sex')!r}.",
            )
        else:
            values["sex"] = SEX[sex]
    flags = {
        "americanIndianOrAlaskaNative": "is_american_indian",
        "asian": "is_asian",
        "blackOrAfricanAmerican": "is_black",
        "nativeHawaiianOrOtherPacificIslander": "is_pacific_islander",
        "white": "is_white",
        "hispanicOrLatinoEthnicity": "is_hispanic_latino",
    }
    for column, field_name in flags.items():
        raw = row.get(column).lower()
        if raw and raw not in {"true", "false"}:
            ctx.error(file, row, column, f"must be true or false, not {row.get(column)!r}.")
        values[field_name] = raw == "true"
    return values
