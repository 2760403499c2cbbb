import pytest
from pytest_django import Settings

pytest_plugins = ["shuniu.core.testing"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    # PBKDF2 at full strength makes every login in the suite cost a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
