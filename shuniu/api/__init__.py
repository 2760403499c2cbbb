"""The REST API at /api/ (django-ninja): what a person's token may see and do, as the pages allow them."""
