"""Convert DRF's plain-text tokens (``authtoken_token``) into hashed ``ApiToken`` rows.

The secrets stay valid, so API clients keep working, but from now on only their SHA-256 is
stored; each converted token expires ``CALLCENTER_API_TOKEN_DAYS`` after this migration. The
plain-text rows are deleted. ``rest_framework.authtoken`` is no longer installed, so its table
is read with SQL where it exists (installations migrated before this change) and left empty.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LEGACY_TABLE = "authtoken_token"


def convert_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    table = connection.ops.quote_name(LEGACY_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    expires = timezone.now() + dt.timedelta(days=settings.CALLCENTER_API_TOKEN_DAYS)
    for key, user_id, created in rows:
        if isinstance(created, str):  # SQLite hands raw timestamps over as text
            created = parse_datetime(created)
        if created is None:
            created = timezone.now()
        elif timezone.is_naive(created):
            created = timezone.make_aware(created, dt.timezone.utc)
        ApiToken.objects.create(
            user_id=user_id,
            name="API (converted)",
            prefix=key[:6],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=created,
            expires_at=expires,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens")]

    operations = [migrations.RunPython(convert_plain_tokens, migrations.RunPython.noop)]
