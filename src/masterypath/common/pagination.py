"""A paginator for big tables: it counts at most `count_cap` rows, never the whole table.

`COUNT(*)` over hundreds of thousands of rows costs seconds (PostgreSQL reads every row to
count them); counting a `LIMIT cap + 1` subquery costs at most `cap` index reads. Past the cap
the page list stops there and the page says "more than" (filter to narrow it down).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator  # not subscriptable at runtime

COUNT_CAP = 10_000


class CappedCountPaginator(_Paginator):
    count_cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        """The number of rows, or `count_cap` when there are more."""
        rows: Any = self.object_list
        if isinstance(rows, QuerySet):
            return int(rows.values("pk")[: self.count_cap + 1].count())
        return min(len(rows), self.count_cap + 1)

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.count_cap

    @property
    def count_cap_text(self) -> str:
        return f"{self.count_cap:,}"
