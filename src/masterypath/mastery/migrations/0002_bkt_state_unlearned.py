"""BKT estimates now keep P(not learned) in `state_weight` (it was a constant 1.0): rows stored
before get 1 - state_value, so the next evidence folds in from the right state."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Greatest


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    estimate = apps.get_model("mastery", "MasteryEstimate")
    estimate.objects.filter(method="bkt", state_value__isnull=False).update(
        state_weight=Greatest(Value(1.0) - F("state_value"), Value(1e-300))
    )


class Migration(migrations.Migration):
    dependencies = [("mastery", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
