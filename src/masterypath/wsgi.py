"""WSGI entry point: `gunicorn masterypath.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterypath.settings")
application = get_wsgi_application()
