"""WSGI entry point (gunicorn shuniu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
application = get_wsgi_application()
