"""WSGI entry point (gunicorn shuniu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # the database and attachments this process creates are the service's own (0600 / 0700)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
application = get_wsgi_application()
