"""SMS senders: one interface, a logging sender by default and an Alibaba Cloud SMS adapter as a real example.

A sender is named in settings (``SHUNIU_SMS_SENDER``) and sends one text to one mobile number, or raises
`SmsError` with the gateway's reason. `message_id` is the delivery's own id: the adapter passes it to the
gateway (Alibaba Cloud's ``OutId``), so a message sent again after a crash can be recognised there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("shuniu.sms")


class SmsError(Exception):
    """The gateway did not take the message; the text says why (in the gateway's words)."""


class SmsSender(Protocol):
    def send(self, *, to: str, text: str, message_id: str) -> None: ...


class LogSms:
    """Writes the message to the log instead of sending it (the default: no gateway configured)."""

    def send(self, *, to: str, text: str, message_id: str) -> None:
        log.info("短信（未配置网关，仅记录）→ %s****：%s", to[:3], text)


def _encode(value: str) -> str:
    """Alibaba Cloud's percent-encoding (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """The RPC-style signature (SignatureVersion 1.0, HMAC-SHA1) over the sorted, encoded parameters."""
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    """Alibaba Cloud SMS (短信服务, API ``SendSms``, version 2017-05-25) through its HTTPS endpoint.

    Settings: ``SHUNIU_SMS_ALIYUN_KEY_ID``, ``SHUNIU_SMS_ALIYUN_KEY_SECRET``, ``SHUNIU_SMS_ALIYUN_SIGN_NAME``
    (the approved signature, e.g. 示例县委办), ``SHUNIU_SMS_ALIYUN_TEMPLATE`` (an approved template code whose
    one variable, ``${content}``, takes the notification's title) and ``SHUNIU_SMS_ALIYUN_ENDPOINT``.
    """

    def __init__(self) -> None:
        self.key_id = settings.SMS_ALIYUN["key_id"]
        self.secret = settings.SMS_ALIYUN["key_secret"]
        self.sign_name = settings.SMS_ALIYUN["sign_name"]
        self.template = settings.SMS_ALIYUN["template"]
        self.endpoint = settings.SMS_ALIYUN["endpoint"]
        if not (self.key_id and self.secret and self.sign_name and self.template):
            raise SmsError("短信网关未配置完整（需要 AccessKey、签名和模板）。")

    def send(self, *, to: str, text: str, message_id: str) -> None:
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message_id,
            "PhoneNumbers": to,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template,
            "TemplateParam": json.dumps({"content": text[:35]}, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, self.secret)
        url = f"{self.endpoint}?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the configured https endpoint
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            answer = _json_or_none(exc.read())
            if answer is None:
                raise SmsError(f"短信网关返回 HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise SmsError(f"无法连接短信网关（{type(exc).__name__}）") from None
        if answer.get("Code") != "OK":
            raise SmsError(f"短信网关拒绝：{answer.get('Code')} {answer.get('Message', '')}".strip())


def _json_or_none(body: bytes) -> dict[str, str] | None:
    try:
        answer = json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def sms_sender() -> SmsSender:
    """The configured sender (a new one each time: settings may change in tests and on reload)."""
    sender: SmsSender = import_string(settings.SMS_SENDER)()
    return sender
