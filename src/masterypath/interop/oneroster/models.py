"""What the OneRoster importer remembers between imports: each record's dateLastModified, so a
delta that arrives late cannot overwrite a newer change."""

from __future__ import annotations

from django.db import models


class SourceRecord(models.Model):
    district_id = models.BigIntegerField()
    kind = models.CharField(max_length=24, help_text="The OneRoster file, e.g. users.")
    source_id = models.CharField(max_length=255)
    modified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district_id", "kind", "source_id"], name="oneroster_record_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"
