"""URLs as shown to people: every password and token masked."""

from __future__ import annotations

import pytest

from config.urls import redact


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pw@host/x.jpg", "http://user:***@host/x.jpg"),
        ("https://user:p%40ss@cdn.example:8443/a.jpg", "https://user:***@cdn.example:8443/a.jpg"),
        ("http://u:a@b@host/x", "http://u:***@host/x"),  # the last @ ends the user part
        ("http://user@host/x.jpg", "http://user@host/x.jpg"),  # no password, nothing to hide
        ("http://host/me@2x.jpg", "http://host/me@2x.jpg"),  # an @ in the path is no user
        ("http://host/x.jpg?token=abc&w=600", "http://host/x.jpg?token=***&w=600"),
        (
            "https://s3.example/x.jpg?X-Amz-Credential=AK&X-Amz-Signature=f00d",
            "https://s3.example/x.jpg?X-Amz-Credential=***&X-Amz-Signature=***",
        ),
        (
            "postgresql://shop:hunter2@db/x?sslpassword=s3cret",
            "postgresql://shop:***@db/x?sslpassword=***",
        ),
        ("/srv/images/a.jpg", "/srv/images/a.jpg"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_a_url_without_a_scheme_has_its_password_hidden_too() -> None:
    # Hypothesis found it (tests/store/test_url_properties.py): a '#' in the password ended
    # the user part before its '@', and the database rule wanted a scheme
    assert redact("://:S3cr3t#@127.0.0.1:1/") == "://:***@127.0.0.1:1/"
