"""The AMI connection settings of this installation."""

from __future__ import annotations

from django.conf import settings

from telephony.ami.client import AmiConfig


def config_from_settings() -> AmiConfig:
    return AmiConfig(
        host=settings.AMI_HOST or "127.0.0.1",
        port=settings.AMI_PORT,
        username=settings.AMI_USERNAME,
        secret=settings.AMI_SECRET,
        max_message_bytes=settings.AMI_MAX_MESSAGE_BYTES,
        max_backlog_bytes=settings.AMI_MAX_BACKLOG_BYTES,
        max_list_bytes=settings.AMI_MAX_LIST_BYTES,
    )
